"""Staff pages of the publication workflow: compose, approve, object, finalise, publish, errata.

Thin: each view checks the user's rights (publicity.permissions), reads through selectors,
validates with a form and calls one service; a refused move comes back as a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from publicity import selectors
from publicity.enums import BatchStatus, EntryStatus, ErratumKind
from publicity.forms import (
    CommentForm,
    EarlyRemovalForm,
    EntryForm,
    ErratumForm,
    FindingPickForm,
    MediaReportForm,
    ObjectionDecisionForm,
    ObjectionForm,
    PublishForm,
    ReturnForm,
)
from publicity.models import Erratum, Objection
from publicity.notice import build_notice_pdf
from publicity.permissions import batch_for_user, entry_for_user, visible_batches
from publicity.services import (
    PublicationError,
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_reopen,
    batch_return,
    batch_submit,
    entry_add,
    entry_move,
    entry_remove,
    entry_update,
    erratum_create,
    erratum_decide,
    media_report_create,
    objection_decide,
    objection_record,
)
from publicity.term import TermError, early_removal_allowed_from, entry_remove_early

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required has run: never anonymous here
        raise PermissionDenied
    return user


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; show its refusal as an error message instead of a crash."""
    try:
        action()
    except PublicationError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


def _detail(batch_id: int) -> HttpResponse:
    return redirect("publicity:batch-detail", pk=batch_id)


def _query(request: HttpRequest) -> str:
    """The list's filters as a query string, for the pagination links (without the page)."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _page(request: HttpRequest, queryset: QuerySet[Any], size: int = PAGE_SIZE) -> Any:
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# --- Lists and queues ---------------------------------------------------------------------------


@login_required
@require_safe
def batch_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user.has_perm("publicity.view_batch"))
    filterset, batches = selectors.batch_list(user=user, data=request.GET)
    return render(
        request,
        "publicity/staff/batch_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, batches),
            "can_create": user.has_perm("publicity.add_batch"),
            "query": _query(request),
        },
    )


@login_required
@require_safe
def approval_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user.has_perm("publicity.approve_batch") or user.has_perm("publicity.approve_erratum"))
    return render(
        request,
        "publicity/staff/approval_queue.html",
        {
            "page_obj": _page(request, selectors.approval_queue(user=user)),
            "errata": selectors.errata_queue(user=user)[:50],
        },
    )


@login_required
@require_safe
def objection_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user.has_perm("publicity.view_objection"))
    return render(
        request,
        "publicity/staff/objection_queue.html",
        {
            "page_obj": _page(request, selectors.objection_queue(user=user)),
            "can_decide": user.has_perm("publicity.decide_objection"),
        },
    )


# --- One batch ----------------------------------------------------------------------------------


@login_required
@require_POST
def batch_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user.has_perm("publicity.add_batch"))
    batch = batch_create(composer=user)
    messages.success(request, _("已新建批次草稿，请从下方挑选检查发现。"))
    return redirect("publicity:batch-compose", pk=batch.pk)


@login_required
@require_safe
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    return render(
        request,
        "publicity/staff/batch_detail.html",
        {
            "batch": batch,
            "rights": rights,
            "page_obj": (page := _page(request, selectors.batch_entries(batch=batch), 100)),
            "entries": page,
            "history": selectors.batch_history(batch=batch),
            "media_reports": batch.media_reports.prefetch_related("entries"),
            "jobs": batch.jobs.all(),
            "return_form": ReturnForm(),
            "comment_form": CommentForm(),
        },
    )


@login_required
@require_safe
def batch_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    return _review(request, batch, rights, ReturnForm(), CommentForm())


def _review(
    request: HttpRequest, batch: Any, rights: Any, return_form: ReturnForm, comment: CommentForm
) -> HttpResponse:
    return render(
        request,
        "publicity/staff/batch_review.html",
        {
            "batch": batch,
            "rights": rights,
            "page_obj": (page := _page(request, selectors.batch_entries(batch=batch), 100)),
            "entries": page,
            "history": selectors.batch_history(batch=batch),
            "return_form": return_form,
            "comment_form": comment,
        },
        status=400 if return_form.errors else 200,
    )


@login_required
def batch_compose(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_edit)
    filterset, pool = selectors.finding_pool(user=user, data=request.GET)
    if request.method == "POST":
        posted = [value for value in request.POST.getlist("findings") if value.isdigit()]
        chosen = {f.pk: f for f in pool.filter(pk__in=posted)}
        form = FindingPickForm(
            request.POST, choices=[(str(pk_), str(f)) for pk_, f in chosen.items()]
        )
        if form.is_valid():
            findings = [chosen[int(value)] for value in form.cleaned_data["findings"]]
            if _attempt(
                request,
                lambda: entry_add(batch=batch, findings=findings),
                _("已加入 %(count)d 家单位。") % {"count": len(findings)},
            ):
                return redirect("publicity:batch-detail", pk=batch.pk)
    else:
        form = FindingPickForm(choices=[])
    return render(
        request,
        "publicity/staff/batch_compose.html",
        {
            "batch": batch,
            "filter": filterset,
            "form": form,
            "page_obj": _page(request, pool, 50),
            "query": _query(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.can_edit)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: entry_update(entry=entry, **data),
            _("已保存“%(unit)s”。") % {"unit": data["unit_name"]},
        ):
            return _detail(entry.batch_id)
    return render(
        request,
        "publicity/staff/entry_form.html",
        {"entry": entry, "batch": entry.batch, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def entry_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.can_edit)
    up = request.POST.get("direction") == "up"
    _attempt(request, lambda: entry_move(entry=entry, up=up), _("已调整顺序。"))
    return redirect(reverse("publicity:batch-detail", args=[entry.batch_id]) + "#entries")


@login_required
@require_POST
def entry_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.can_edit)
    _attempt(
        request,
        lambda: entry_remove(entry=entry),
        _("已将“%(unit)s”移出批次。") % {"unit": entry.unit_name},
    )
    return _detail(entry.batch_id)


@login_required
@require_POST
def batch_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_submit)
    _attempt(request, lambda: batch_submit(batch=batch, actor=user), _("已提交审批。"))
    return _detail(batch.pk)


@login_required
@require_POST
def batch_reopen_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_reopen)
    _attempt(request, lambda: batch_reopen(batch=batch, actor=user), _("批次已改回草稿。"))
    return _detail(batch.pk)


@login_required
@require_POST
def batch_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_approve)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    _attempt(
        request,
        lambda: batch_approve(batch=batch, actor=user, comment=comment),
        _("已批准。告知书正在生成，告知期开始。"),
    )
    return _detail(batch.pk)


@login_required
@require_POST
def batch_return_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_approve)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _review(request, batch, rights, form, CommentForm())
    _attempt(
        request,
        lambda: batch_return(batch=batch, actor=user, reason=form.cleaned_data["reason"]),
        _("已退回拟稿人。"),
    )
    return _detail(batch.pk)


@login_required
@require_POST
def batch_finalise_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_finalise)
    _attempt(
        request,
        lambda: batch_finalise(batch=batch, actor=user),
        _("已定稿。公告PDF正在生成。"),
    )
    return _detail(batch.pk)


@login_required
def batch_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_publish)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: batch_publish(
                batch=batch, actor=user, published_on=data["published_on"], outlet=data["outlet"]
            ),
            _("已公示。各单位的整改跟踪已立案。"),
        ):
            return _detail(batch.pk)
    return render(
        request,
        "publicity/staff/batch_publish.html",
        {"batch": batch, "form": form},
        status=400 if form.errors else 200,
    )


# --- Documents ----------------------------------------------------------------------------------


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_safe
def batch_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The review copy of the notice, watermarked 草稿, built on request."""
    batch, _rights = batch_for_user(_user(request), pk)
    if batch.status in (BatchStatus.FINALISED, BatchStatus.PUBLISHED):
        raise Http404
    return _pdf(build_notice_pdf(batch, draft=True), f"preview-batch-{batch.pk}.pdf")


@login_required
@require_safe
def batch_notice(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The notice as stored (its SHA-256 is shown beside the link), or the other paper size."""
    batch, _rights = batch_for_user(_user(request), pk)
    if not batch.notice_sha256:
        raise Http404
    size = request.GET.get("size", "")
    name = f"notice-{batch.year}-{batch.number}"
    if size in ("A3", "A4") and size != settings.NOTICE_PAGE_SIZE:
        return _pdf(build_notice_pdf(batch, pagesize=size), f"{name}-{size}.pdf")
    return FileResponse(batch.notice_pdf.open("rb"), as_attachment=True, filename=f"{name}.pdf")


@login_required
@require_safe
def entry_letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    entry, _rights = entry_for_user(_user(request), pk)
    letter = getattr(entry, "letter", None)
    if letter is None:
        raise Http404
    return FileResponse(
        letter.file.open("rb"), as_attachment=True, filename=f"letter-{entry.pk}.pdf"
    )


# --- Objections ---------------------------------------------------------------------------------


@login_required
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.can_record_objection)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            objection_record(
                entry=entry,
                actor=user,
                received_on=data["received_on"],
                statement=data["statement"],
                evidence=data["evidence"],
            )
        except ValidationError as error:
            form.add_error("evidence", error)
        except PublicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已登记异议，等待审批领导决定。"))
            return _detail(entry.batch_id)
    return render(
        request,
        "publicity/staff/objection_form.html",
        {"entry": entry, "batch": entry.batch, "form": form},
        status=400 if form.errors else 200,
    )


def _objection_for_user(user: User, pk: int) -> Objection:
    objection = (
        Objection.objects.select_related("entry__batch", "recorded_by", "decided_by")
        .filter(pk=pk, entry__batch__in=visible_batches(user))
        .first()
    )
    if objection is None:
        raise Http404
    return objection


@login_required
def objection_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    objection = _objection_for_user(user, pk)
    _entry, rights = entry_for_user(user, objection.entry_id)
    form = ObjectionDecisionForm(request.POST or None)
    if request.method == "POST":
        _require(rights.can_decide_objection)
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection_decide(
                    objection=objection,
                    actor=user,
                    upheld=data["decision"] == "upheld",
                    reasons=data["reasons"],
                )
            except PublicationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已决定异议。"))
                return redirect("publicity:objection-queue")
    return render(
        request,
        "publicity/staff/objection_decide.html",
        {"objection": objection, "entry": objection.entry, "form": form, "rights": rights},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def objection_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    objection = _objection_for_user(_user(request), pk)
    if not objection.evidence:
        raise Http404
    return FileResponse(objection.evidence.open("rb"), as_attachment=True)


# --- After publication --------------------------------------------------------------------------


@login_required
def erratum_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.can_add_erratum)
    form = ErratumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            erratum_create(
                entry=entry,
                actor=user,
                kind=data["kind"],
                reason=data["reason"],
                corrections=form.corrections() if data["kind"] == ErratumKind.CORRECT else {},
            )
        except PublicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已提交更正，等待另一位审批领导批准。"))
            return _detail(entry.batch_id)
    return render(
        request,
        "publicity/staff/erratum_form.html",
        {"entry": entry, "batch": entry.batch, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def erratum_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    erratum = (
        Erratum.objects.select_related("entry")
        .filter(pk=pk, entry__batch__in=visible_batches(user))
        .first()
    )
    if erratum is None:
        raise Http404
    _entry, rights = entry_for_user(user, erratum.entry_id)
    _require(rights.can_decide_erratum)
    approve = request.POST.get("decision") == "approve"
    _attempt(
        request,
        lambda: erratum_decide(erratum=erratum, actor=user, approve=approve),
        _("已批准更正。") if approve else _("已不予批准。"),
    )
    return _detail(erratum.entry.batch_id)


@login_required
def media_report_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.can_add_media_report)
    entries = batch.entries.order_by("position")
    form = MediaReportForm(request.POST or None, batch_entries=entries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: media_report_create(
                batch=batch,
                outlet=data["outlet"],
                date=data["date"],
                headline=data["headline"],
                url=data["url"],
                entries=data["entries"],
            ),
            _("已登记跟踪报道。"),
        ):
            return _detail(batch.pk)
    return render(
        request,
        "publicity/staff/media_report_form.html",
        {"batch": batch, "form": form},
        status=400 if form.errors else 200,
    )


# --- Publicity term ---------------------------------------------------------------------------


@login_required
def entry_remove_early_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An official ends a listed entry's publicity early, after verified rectification."""
    user = _user(request)
    entry, _rights = entry_for_user(user, pk)
    _require(user.has_perm("publicity.approve_batch") and entry.status == EntryStatus.LISTED)
    form = EarlyRemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            entry_remove_early(
                entry=entry,
                actor=user,
                reason=form.cleaned_data["reason"],
                today=timezone.localdate(),
            )
        except TermError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("该条目已移出公示名单，移出记录已公开。"))
            return _detail(entry.batch_id)
    return render(
        request,
        "publicity/staff/entry_remove_early.html",
        {
            "entry": entry,
            "batch": entry.batch,
            "form": form,
            "allowed_from": early_removal_allowed_from(entry),
        },
        status=400 if form.errors else 200,
    )
