"""Staff pages of the publication workflow: compose, approve, object, finalise, publish, errata.

Thin: each view gets the record with the user's rights (publicity.permissions, read from the
workflow tables), validates with a form and calls one service; a refused move comes back as a
message. The batch's moves share one view, :func:`batch_move`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.pages import page_of, query_without_page, staff_view
from publicity import selectors, services
from publicity.enums import ErratumKind
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
from publicity.models import Batch
from publicity.permissions import (
    batch_for_user,
    entry_for_user,
    erratum_for_user,
    objection_for_user,
)
from publicity.services import PublicationError
from publicity.services.documents import OTHER_SIZE, notice_other_size_name
from publicity.term import early_removal_allowed_from

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # staff_view has run: never anonymous here
        raise PermissionDenied
    return user


def _require(allowed: Any) -> None:
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


# --- Lists and queues ---------------------------------------------------------------------------


@require_safe
@staff_view("publicity.view_batch")
def batch_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    filterset, batches = selectors.batch_list(user=user, data=request.GET)
    return render(
        request,
        "publicity/staff/batch_list.html",
        {
            "filter": filterset,
            "page_obj": page_of(request, batches, PAGE_SIZE),
            "can_create": user.has_perm("publicity.add_batch"),
            "query": query_without_page(request),
        },
    )


@require_safe
@staff_view("publicity.view_batch")
def approval_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(user.has_perm("publicity.approve_batch") or user.has_perm("publicity.approve_erratum"))
    return render(
        request,
        "publicity/staff/approval_queue.html",
        {
            "page_obj": page_of(request, selectors.approval_queue(user=user), PAGE_SIZE),
            "errata": selectors.errata_queue(user=user)[:50],
        },
    )


@require_safe
@staff_view("publicity.view_objection")
def objection_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "publicity/staff/objection_queue.html",
        {
            "page_obj": page_of(request, selectors.objection_queue(user=user), PAGE_SIZE),
            "can_decide": user.has_perm("publicity.decide_objection"),
        },
    )


# --- One batch ----------------------------------------------------------------------------------


@require_POST
@staff_view("publicity.add_batch")
def batch_new(request: HttpRequest) -> HttpResponse:
    try:
        batch = services.batch_create(composer=_user(request))
    except PublicationError as error:
        messages.error(request, str(error))
        return redirect("publicity:batch-list")
    messages.success(request, _("已新建批次草稿，请从下方挑选检查发现。"))
    return redirect("publicity:batch-compose", pk=batch.pk)


def _batch_page(
    request: HttpRequest,
    template: str,
    batch: Batch,
    rights: Any,
    *,
    return_form: ReturnForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    page = page_of(request, selectors.batch_entries(batch=batch), 100)
    selectors.with_entry_rights(page.object_list, user=user, batch_rights=rights)
    return render(
        request,
        template,
        {
            "batch": batch,
            "rights": rights,
            "page_obj": page,
            "entries": page,
            "history": selectors.batch_history(batch=batch),
            "media_reports": batch.media_reports.prefetch_related("entries"),
            "return_form": return_form or ReturnForm(),
            "comment_form": CommentForm(),
            "publish_form": PublishForm(),
        },
        status=status,
    )


@require_safe
@staff_view("publicity.view_batch")
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch, rights = batch_for_user(_user(request), pk)
    return _batch_page(request, "publicity/staff/batch_detail.html", batch, rights)


@require_safe
@staff_view("publicity.view_batch")
def batch_review(request: HttpRequest, pk: int) -> HttpResponse:
    batch, rights = batch_for_user(_user(request), pk)
    return _batch_page(request, "publicity/staff/batch_review.html", batch, rights)


@dataclass(frozen=True)
class BatchMove:
    """One move of the BATCH table made from a page: its form (None: a bare button), the
    service that makes it, the message on success, and the page a refused form comes back to
    (None: the batch page, with the refusal as a message)."""

    form: type[forms.Form] | None
    act: Callable[[Batch, User, dict[str, Any]], Any]
    done: Any
    page: str | None = None


BATCH_MOVES: dict[str, BatchMove] = {
    "submit": BatchMove(
        None, lambda b, u, d: services.batch_submit(batch=b, actor=u), gettext_lazy("已提交审批。")
    ),
    "reopen": BatchMove(
        None,
        lambda b, u, d: services.batch_reopen(batch=b, actor=u),
        gettext_lazy("批次已改回草稿。"),
    ),
    "approve": BatchMove(
        CommentForm,
        lambda b, u, d: services.batch_approve(batch=b, actor=u, comment=d.get("comment", "")),
        gettext_lazy("已批准。告知书正在生成，告知期开始。"),
    ),
    "return": BatchMove(
        ReturnForm,
        lambda b, u, d: services.batch_return(batch=b, actor=u, reason=d["reason"]),
        gettext_lazy("已退回拟稿人。"),
        page="publicity/staff/batch_review.html",
    ),
    "finalise": BatchMove(
        None,
        lambda b, u, d: services.batch_finalise(batch=b, actor=u),
        gettext_lazy("已定稿。公告PDF正在生成。"),
    ),
    "publish": BatchMove(
        PublishForm,
        lambda b, u, d: services.batch_publish(
            batch=b, actor=u, published_on=d["published_on"], outlet=d["outlet"]
        ),
        gettext_lazy("已公示。各单位的整改跟踪已立案。"),
        page="publicity/staff/batch_publish.html",
    ),
}


@require_POST
@staff_view("publicity.view_batch")
def batch_move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """Make one move of the BATCH table (submit, reopen, approve, return, finalise, publish)."""
    spec = BATCH_MOVES.get(move)
    if spec is None:
        raise Http404
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights[move].shown)
    form = spec.form(request.POST) if spec.form else None
    if form is not None and not form.is_valid():
        if spec.page is None:
            return _detail(batch.pk)
        if move == "return":
            return _batch_page(request, spec.page, batch, rights, return_form=form, status=400)  # type: ignore[arg-type]
        return render(request, spec.page, {"batch": batch, "form": form}, status=400)
    data = form.cleaned_data if form is not None else {}
    try:
        spec.act(batch, user, data)
    except PublicationError as error:
        messages.error(request, str(error))
        if move == "publish":  # back to the form, with what the person typed
            return render(request, spec.page or "", {"batch": batch, "form": form})
        return _detail(batch.pk)
    messages.success(request, str(spec.done))
    return _detail(batch.pk)


@staff_view("publicity.view_batch")
def batch_publish(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The publish form (GET); sending it is the move ``publish``."""
    if request.method == "POST":
        return batch_move(request, pk, "publish")
    batch, rights = batch_for_user(_user(request), pk)
    _require(rights.publish.shown)
    return render(
        request, "publicity/staff/batch_publish.html", {"batch": batch, "form": PublishForm()}
    )


@staff_view("publicity.view_batch")
def batch_compose(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.edit)
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
                lambda: services.entry_add(batch=batch, findings=findings, actor=user),
                _("已加入 %(count)d 家单位。") % {"count": len(findings)},
            ):
                return _detail(batch.pk)
    else:
        form = FindingPickForm(choices=[])
    return render(
        request,
        "publicity/staff/batch_compose.html",
        {
            "batch": batch,
            "filter": filterset,
            "form": form,
            "page_obj": page_of(request, pool, 50),
            "query": query_without_page(request),
        },
        status=400 if form.errors else 200,
    )


@staff_view("publicity.view_batch")
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.edit)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.entry_update(entry=entry, actor=user, **data),
            _("已保存“%(unit)s”。") % {"unit": data["unit_name"]},
        ):
            return _detail(entry.batch_id)
    return render(
        request,
        "publicity/staff/entry_form.html",
        {"entry": entry, "batch": entry.batch, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view("publicity.view_batch")
def entry_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.edit)
    up = request.POST.get("direction") == "up"
    _attempt(
        request, lambda: services.entry_move(entry=entry, up=up, actor=user), _("已调整顺序。")
    )
    return redirect(reverse("publicity:batch-detail", args=[entry.batch_id]) + "#entries")


@require_POST
@staff_view("publicity.view_batch")
def entry_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.edit)
    _attempt(
        request,
        lambda: services.entry_remove(entry=entry, actor=user),
        _("已将“%(unit)s”移出批次。") % {"unit": entry.unit_name},
    )
    return _detail(entry.batch_id)


# --- Documents ----------------------------------------------------------------------------------


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_view("publicity.view_batch")
def batch_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The review copy of the notice, watermarked 草稿, built by a job (never in the request):
    served when it is there; otherwise a page that asks for it and refreshes itself."""
    batch, rights = batch_for_user(_user(request), pk)
    if not rights.preview.shown:
        raise Http404
    name = services.preview_ready(batch=batch)
    if name is not None:
        with default_storage.open(name, "rb") as stored:
            return _pdf(stored.read(), f"preview-batch-{batch.pk}.pdf")
    requested = services.preview_request(batch=batch)
    return render(
        request,
        "publicity/staff/batch_preview_wait.html",
        {"batch": batch, "requested": requested},
        status=202,
    )


@require_safe
@staff_view("publicity.view_batch")
def batch_notice(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The notice as stored (its SHA-256 is shown beside the link), or the other paper size."""
    batch, rights = batch_for_user(_user(request), pk)
    if not rights.download_notice:
        raise Http404
    name = f"notice-{batch.year}-{batch.number}"
    size = request.GET.get("size", "")
    if size in OTHER_SIZE and size != settings.NOTICE_PAGE_SIZE:
        other = notice_other_size_name(batch)
        if not default_storage.exists(other):
            raise Http404
        with default_storage.open(other, "rb") as stored:
            return _pdf(stored.read(), f"{name}-{size}.pdf")
    return FileResponse(batch.notice_pdf.open("rb"), as_attachment=True, filename=f"{name}.pdf")


@require_safe
@staff_view("publicity.view_batch")
def entry_letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    entry, rights = entry_for_user(_user(request), pk)
    letter = getattr(entry, "letter", None)
    if letter is None or not rights.letter:
        raise Http404
    return FileResponse(
        letter.file.open("rb"), as_attachment=True, filename=f"letter-{entry.pk}.pdf"
    )


# --- Objections ---------------------------------------------------------------------------------


@staff_view("publicity.view_batch")
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.record_objection.shown)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.objection_record(
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


@staff_view("publicity.view_objection")
def objection_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    objection, rights = objection_for_user(user, pk)
    form = ObjectionDecisionForm(request.POST or None)
    if request.method == "POST":
        _require(rights.uphold.shown or rights.reject.shown)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.objection_decide(
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


@require_safe
@staff_view("publicity.view_objection")
def objection_evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    objection, _rights = objection_for_user(_user(request), pk)
    if not objection.evidence:
        raise Http404
    return FileResponse(objection.evidence.open("rb"), as_attachment=True)


# --- After publication --------------------------------------------------------------------------


@staff_view("publicity.view_batch")
def erratum_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.add_erratum.shown)
    form = ErratumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.erratum_create(
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


@require_POST
@staff_view("publicity.view_batch")
def erratum_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    erratum, rights = erratum_for_user(user, pk)
    approve = request.POST.get("decision") == "approve"
    _require((rights.approve if approve else rights.reject).permitted)
    _attempt(
        request,
        lambda: services.erratum_decide(erratum=erratum, actor=user, approve=approve),
        _("已批准更正。") if approve else _("已不予批准。"),
    )
    return _detail(erratum.entry.batch_id)


@staff_view("publicity.view_batch")
def media_report_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    batch, rights = batch_for_user(user, pk)
    _require(rights.add_media_report)
    entries = batch.entries.order_by("position")
    form = MediaReportForm(request.POST or None, batch_entries=entries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            request,
            lambda: services.media_report_create(
                batch=batch,
                actor=user,
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


@staff_view("publicity.view_batch")
def entry_remove_early_view(request: HttpRequest, pk: int) -> HttpResponse:
    """An official ends a listed entry's publicity early, after verified rectification."""
    user = _user(request)
    entry, rights = entry_for_user(user, pk)
    _require(rights.remove_early.shown or rights.remove_early.refused_by == "early_removal_due")
    form = EarlyRemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_remove_early(
                entry=entry,
                actor=user,
                reason=form.cleaned_data["reason"],
                today=timezone.localdate(),
            )
        except PublicationError as error:
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
