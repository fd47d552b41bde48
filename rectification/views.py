"""Case pages for staff, the inbox, and the unit's own channel. Thin: check who may do what
(rectification.permissions), validate with a form, call a service, redirect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.middleware import PRIVATE_CACHE_CONTROL
from core.pages import bounded_page_of, staff_view
from core.requests import client_address
from core.uploads import stored_file_response
from core.workflow import UNIT_ACTOR, Rights
from core.workflow_forms import MoveForm
from rectification import forms, selectors, services
from rectification.models import AccessCode, Case, Reply
from rectification.permissions import case_for_user
from rectification.replies import ReplyError, reply_submit
from rectification.reply_workflow import REPLY
from rectification.workflows import CASE, CONTACT_FIELDS

PAGE_SIZE = 25
UNIT_SESSION_KEY = "rectification_unit_access_code"


@staff_view("rectification.view_case")
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    labels = selectors.queue_labels()
    form = forms.QueueForm(request.GET, choices=list(labels.items()))
    queue = (form.is_valid() and form.cleaned_data["queue"]) or selectors.queue_default(
        request.user
    )
    cases = selectors.case_queue(user=request.user, queue=queue)
    # A queue of 300,000 open cases is worked from its top: its count stops early.
    page = bounded_page_of(request, cases, PAGE_SIZE)
    return render(
        request,
        "rectification/case_list.html",
        {
            "page_obj": page,
            "queue": queue,
            "queue_label": labels[queue],
            "queues": labels.items(),
            "today": timezone.localdate(),
        },
    )


def _detail_context(
    request: HttpRequest, case: Case, rights: Rights, **bound: Any
) -> dict[str, Any]:
    unbound = {
        "progress_form": forms.ProgressForm,
        "application_form": forms.ApplicationForm,
        "reinspection_form": forms.ReinspectionForm,
        "extension_form": forms.ExtensionForm,
        "supervision_form": forms.SupervisionForm,
    }
    # Each form has its prefix: several forms on one page must not share field ids.
    context: dict[str, Any] = {
        name: bound.get(name) or cls(prefix=name.removesuffix("_form"))
        for name, cls in unbound.items()
    }
    context["contact_form"] = bound.get("contact_form") or forms.ContactForm(
        prefix="contact",
        initial={name: getattr(case, name) for name in CONTACT_FIELDS},
    )
    context.update(
        case=case,
        rights=rights,
        events=selectors.case_timeline(case=case),
        findings=list(case.findings.all()),
        overdue=case.is_overdue(),
        live_letter=AccessCode.objects.filter(case=case, revoked_at__isnull=True).first(),
        replies=selectors.case_replies(case=case),
        may_moderate=request.user.has_perm("rectification.moderate_reply"),
        error_form=next((f for f in bound.values() if f is not None), None),
    )
    return context


@staff_view("rectification.view_case")
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case, rights = case_for_user(request.user, pk, selectors.case_detail_queryset())
    return render(request, "rectification/case_detail.html", _detail_context(request, case, rights))


def _case_action(
    *,
    moves: tuple[str, ...],
    form_class: type[MoveForm],
    form_name: str,
    act: Callable[[HttpRequest, Case, dict[str, Any]], object],
    done: str,
) -> Callable[[HttpRequest, int], HttpResponseBase]:
    """A POST view for one action on a case: the CASE table's ``moves`` (any one offered to
    the user), form, service, redirect; on an invalid form or a refused change the case page
    again, with what the person typed."""

    @staff_view("rectification.view_case")
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponseBase:
        case, rights = case_for_user(request.user, pk, selectors.case_detail_queryset())
        if not any(rights[move].shown for move in moves):
            raise PermissionDenied
        form = form_class(
            request.POST, request.FILES, prefix=form_name.removesuffix("_form"), record=case
        )
        if form.is_valid():
            try:
                act(request, case, form.cleaned_data)
            except services.CaseError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, done)
                return redirect("rectification:case-detail", pk=case.pk)
        context = _detail_context(request, case, rights, **{form_name: form})
        return render(request, "rectification/case_detail.html", context, status=400)

    return view


case_progress = _case_action(
    moves=("progress",),
    form_class=forms.ProgressForm,
    form_name="progress_form",
    act=lambda request, case, data: services.case_record_progress(
        case=case,
        actor=request.user,  # type: ignore[arg-type]
        text=data["text"],
        files=data["evidence"],
        is_public=data["is_public"],
    ),
    done=_("已记录整改进展。"),
)
case_application = _case_action(
    moves=("apply",),
    form_class=forms.ApplicationForm,
    form_name="application_form",
    act=lambda request, case, data: services.case_request_reinspection(
        case=case,
        actor=request.user,  # type: ignore[arg-type]
        text=data["text"],
        files=data["evidence"],
    ),
    done=_("已记录单位的复查申请。"),
)
case_reinspection = _case_action(
    moves=("pass", "verify_closure", "fail"),
    form_class=forms.ReinspectionForm,
    form_name="reinspection_form",
    act=lambda request, case, data: services.case_reinspect(
        case=case,
        actor=request.user,  # type: ignore[arg-type]
        passed=data["result"] == forms.ReinspectionForm.PASSED,
        text=data["text"],
        new_deadline=data["new_deadline"],
        files=data["evidence"],
    ),
    done=_("已记录复查结果。"),
)
case_extension = _case_action(
    moves=("extend",),
    form_class=forms.ExtensionForm,
    form_name="extension_form",
    act=lambda request, case, data: services.case_extend_deadline(
        case=case,
        actor=request.user,  # type: ignore[arg-type]
        new_deadline=data["new_deadline"],
        reason=data["reason"],
    ),
    done=_("已延长整改期限。"),
)
case_supervision = _case_action(
    moves=("supervise",),
    form_class=forms.SupervisionForm,
    form_name="supervision_form",
    act=lambda request, case, data: services.case_supervise(
        case=case,
        actor=request.user,  # type: ignore[arg-type]
        text=data["text"],
    ),
    done=_("已记录督查情况。"),
)
case_contact = _case_action(
    moves=("update_contact",),
    form_class=forms.ContactForm,
    form_name="contact_form",
    act=lambda request, case, data: services.case_update_contact(
        case=case,
        actor=request.user,  # type: ignore[arg-type]
        **data,
    ),
    done=_("已更新责任人联系方式。"),
)


@staff_view("rectification.view_case")
@require_POST
def case_letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Issue the unit's notice letter with a new access code, as a PDF download."""
    case, rights = case_for_user(request.user, pk)
    if not rights.issue_letter:
        raise PermissionDenied
    try:
        _code, pdf = services.case_issue_letter(case=case, actor=request.user)  # type: ignore[arg-type]
    except services.CaseError as error:
        messages.error(request, str(error))
        return redirect("rectification:case-detail", pk=case.pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}-letter.pdf"'
    # The code is on this response alone: no cache may keep it.
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


@staff_view("rectification.view_case")
@require_GET
def case_letter_download(request: HttpRequest, pk: int) -> FileResponse:
    """The letter in force, as issued (it carries the unit's code): for staff who may issue it."""
    case, rights = case_for_user(request.user, pk)
    live = services.case_live_letter(case=case)
    if not rights.issue_letter or live is None:
        raise Http404
    response = FileResponse(
        live.letter.open("rb"),
        as_attachment=True,
        filename=f"case-{case.pk}-letter.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


@staff_view("rectification.view_case")
@require_GET
def case_evidence(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    case, _rights = case_for_user(request.user, pk)
    evidence = selectors.case_evidence(case=case, evidence_id=evidence_id)
    if evidence is None:
        raise PermissionDenied
    return stored_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=evidence.original_name,
        download=True,
    )


@staff_view()
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_messages(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.inbox_messages_shown(page.object_list)
    return render(
        request,
        "rectification/inbox.html",
        {"page_obj": page, "unread": selectors.inbox_unread_count(user=request.user)},
    )


@staff_view()
@require_POST
def inbox_open(request: HttpRequest, message_id: int) -> HttpResponseBase:
    """Open a message: mark it read and go to its case (a notice without one: back to the
    inbox, where its text is)."""
    message = get_object_or_404(selectors.inbox_messages(user=request.user), pk=message_id)
    services.inbox_mark_read(user=request.user, message_ids=[message.pk])  # type: ignore[arg-type]
    if message.case_id is None:
        return redirect("rectification:inbox")
    return redirect("rectification:case-detail", pk=message.case_id)


@staff_view()
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponseBase:
    count = services.inbox_mark_read(user=request.user)  # type: ignore[arg-type]
    messages.success(request, _("已将 %(count)d 条消息标为已读。") % {"count": count})
    return redirect("rectification:inbox")


# --- The unit's own channel (no account: the access code on its letter) ------------------


@never_cache
@require_http_methods(["GET", "POST"])
def unit_login(request: HttpRequest) -> HttpResponse:
    form = forms.AccessCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access = services.access_code_redeem(
                code=form.cleaned_data["code"], client=client_address(request)
            )
        except services.AccessRefused as error:
            form.add_error("code", str(error))
        else:
            request.session.cycle_key()
            request.session[UNIT_SESSION_KEY] = access.pk
            return redirect("rectification-unit:case")
    status = 400 if request.method == "POST" else 200
    return render(request, "rectification/unit_login.html", {"form": form}, status=status)


def _unit_access(request: HttpRequest) -> AccessCode | None:
    access_id = request.session.get(UNIT_SESSION_KEY)
    if access_id is None:
        return None
    access = services.access_code_live(access_code_id=int(access_id))
    if access is None:
        request.session.pop(UNIT_SESSION_KEY, None)
    return access


def _unit_page(
    request: HttpRequest, access: AccessCode, status: int = 200, **bound: Any
) -> HttpResponse:
    case = access.case
    context = {
        "case": case,
        "events": selectors.case_timeline(case=case, public_only=True),
        "progress_form": bound.get("progress_form") or forms.ProgressForm(prefix="progress"),
        "application_form": bound.get("application_form")
        or forms.ApplicationForm(prefix="application"),
        "reply_form": bound.get("reply_form") or forms.ReplyForm(prefix="reply"),
        "rights": CASE.rights(case, UNIT_ACTOR, moves=("progress", "apply")),
        "may_reply": REPLY.decide(Reply(case=case), "submit", UNIT_ACTOR),
        "replies": selectors.case_replies(case=case),
        "submissions": selectors.case_unit_submissions(case=case),
        "error_form": next((f for f in bound.values() if f is not None), None),
    }
    return render(request, "rectification/unit_case.html", context, status=status)


@never_cache
@require_GET
def unit_case(request: HttpRequest) -> HttpResponse:
    access = _unit_access(request)
    if access is None:
        messages.info(request, _("请输入整改通知书上的访问码。"))
        return redirect("rectification-unit:login")  # type: ignore[return-value]
    return _unit_page(request, access)


@never_cache
@require_POST
def unit_progress(request: HttpRequest) -> HttpResponseBase:
    access = _unit_access(request)
    if access is None:
        return redirect("rectification-unit:login")
    form = forms.ProgressForm(request.POST, request.FILES, prefix="progress", record=access.case)
    if form.is_valid():
        try:
            services.case_record_progress(
                case=access.case,
                actor=None,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["evidence"],
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已提交整改证据，责任部门会看到。"))
            return redirect("rectification-unit:case")
    return _unit_page(request, access, status=400, progress_form=form)


@never_cache
@require_POST
def unit_application(request: HttpRequest) -> HttpResponseBase:
    access = _unit_access(request)
    if access is None:
        return redirect("rectification-unit:login")
    form = forms.ApplicationForm(
        request.POST, request.FILES, prefix="application", record=access.case
    )
    if form.is_valid():
        try:
            services.case_request_reinspection(
                case=access.case,
                actor=None,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["evidence"],
            )
        except services.CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已提交复查申请，执法人员将安排复查。"))
            return redirect("rectification-unit:case")
    return _unit_page(request, access, status=400, application_form=form)


@never_cache
@require_POST
def unit_reply(request: HttpRequest) -> HttpResponseBase:
    access = _unit_access(request)
    if access is None:
        return redirect("rectification-unit:login")
    form = forms.ReplyForm(request.POST, request.FILES, prefix="reply")
    if form.is_valid():
        try:
            reply_submit(
                case=access.case,
                text=form.cleaned_data["text"],
                attachment=form.cleaned_data["attachment"],
            )
        except ReplyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已提交回应，工作人员审核后将在公示页面公开。"))
            return redirect("rectification-unit:case")
    return _unit_page(request, access, status=400, reply_form=form)


@require_POST
def unit_logout(request: HttpRequest) -> HttpResponseBase:
    request.session.pop(UNIT_SESSION_KEY, None)
    return redirect(reverse("rectification-unit:login"))
