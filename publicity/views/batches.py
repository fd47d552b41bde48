"""The batch pages: lists and queues, one batch, its moves (one view for the BATCH table's
moves), composing its entries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from core.pages import bounded_page_of, page_of, query_without_page, staff_view
from core.workflow_forms import MoveForm
from publicity import selectors, services
from publicity.forms import (
    CommentForm,
    EntryForm,
    FindingPickForm,
    PublishForm,
    ReturnForm,
)
from publicity.models import Batch
from publicity.permissions import (
    batch_for_user,
    entry_for_user,
)
from publicity.services import PublicationError
from publicity.views.common import acting_user, attempt, require, to_batch
from registry.permissions import reads_several_authorities, works_for

PAGE_SIZE = 25


# --- Lists and queues ---------------------------------------------------------------------------


@require_safe
@staff_view("publicity.view_batch")
def batch_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filterset, batches = selectors.batch_list(user=user, data=request.GET)
    return render(
        request,
        "publicity/staff/batch_list.html",
        {
            "filter": filterset,
            "page_obj": page_of(request, batches, PAGE_SIZE),
            "can_create": user.has_perm("publicity.add_batch"),
            "query": query_without_page(request),
            "several_authorities": reads_several_authorities(user),
        },
    )


@require_safe
@staff_view("publicity.view_batch")
def approval_queue(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    require(user.has_perm("publicity.approve_batch") or user.has_perm("publicity.approve_erratum"))
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
    user = acting_user(request)
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
        batch = services.batch_create(composer=acting_user(request))
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
    user = acting_user(request)
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
            "compose_history": selectors.batch_compose_history(batch=batch),
            "media_reports": batch.media_reports.prefetch_related("entries"),
            "return_form": return_form or ReturnForm(),
            "comment_form": CommentForm(),
            "publish_form": PublishForm(record=batch),
            "several_authorities": reads_several_authorities(user),
            "acts_for_batch": works_for(user, batch.authority_id),
        },
        status=status,
    )


@require_safe
@staff_view("publicity.view_batch")
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch, rights = batch_for_user(acting_user(request), pk)
    return _batch_page(request, "publicity/staff/batch_detail.html", batch, rights)


@require_safe
@staff_view("publicity.view_batch")
def batch_review(request: HttpRequest, pk: int) -> HttpResponse:
    batch, rights = batch_for_user(acting_user(request), pk)
    return _batch_page(request, "publicity/staff/batch_review.html", batch, rights)


@dataclass(frozen=True)
class BatchMove:
    """One move of the BATCH table made from a page: its form (None: a bare button), the
    service that makes it, the message on success, and the page a refused form comes back to
    (None: the batch page, with the refusal as a message)."""

    form: type[MoveForm] | None
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
    user = acting_user(request)
    batch, rights = batch_for_user(user, pk)
    require(rights[move].shown)
    form = spec.form(request.POST, record=batch) if spec.form else None
    if form is not None and not form.is_valid():
        if spec.page is None:
            return to_batch(batch.pk)
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
        return to_batch(batch.pk)
    messages.success(request, str(spec.done))
    return to_batch(batch.pk)


@staff_view("publicity.view_batch")
def batch_publish(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The publish form (GET); sending it is the move ``publish``."""
    if request.method == "POST":
        return batch_move(request, pk, "publish")
    batch, rights = batch_for_user(acting_user(request), pk)
    require(rights.publish.shown)
    return render(
        request,
        "publicity/staff/batch_publish.html",
        {"batch": batch, "form": PublishForm(record=batch)},
    )


@staff_view("publicity.view_batch")
def batch_compose(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    batch, rights = batch_for_user(user, pk)
    require(rights.edit)
    filterset, pool = selectors.finding_pool(user=user, data=request.GET)
    if request.method == "POST":
        posted = [value for value in request.POST.getlist("findings") if value.isdigit()]
        chosen = {f.pk: f for f in pool.filter(pk__in=posted)}
        form = FindingPickForm(
            request.POST, choices=[(str(pk_), str(f)) for pk_, f in chosen.items()]
        )
        if form.is_valid():
            findings = [chosen[int(value)] for value in form.cleaned_data["findings"]]
            try:
                added = services.entry_add(batch=batch, findings=findings, actor=user)
            except PublicationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("已加入 %(count)d 家单位。") % {"count": len(added.created)}
                )
                for entry in added.attached:
                    messages.info(
                        request,
                        _(
                            "“%(unit)s”在本批次中只列一条：所选的检查发现已并入该单位的条目"
                            "（第%(position)s号），请核对其违法违规行为的文字。"
                        )
                        % {"unit": entry.unit_name, "position": entry.position},
                    )
                return to_batch(batch.pk)
    else:
        form = FindingPickForm(choices=[])
    return render(
        request,
        "publicity/staff/batch_compose.html",
        {
            "batch": batch,
            "filter": filterset,
            "form": form,
            # A count that stops at 1,001: the pool of findings waiting for a batch can be
            # hundreds of thousands, and the pages show "more than 1,000" beyond.
            "page_obj": bounded_page_of(request, pool, 50),
            "query": query_without_page(request),
        },
        status=400 if form.errors else 200,
    )


@staff_view("publicity.view_batch")
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry, rights = entry_for_user(user, pk)
    require(rights.edit)
    form = EntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
            request,
            lambda: services.entry_update(entry=entry, actor=user, **data),
            _("已保存“%(unit)s”。") % {"unit": data["unit_name"]},
        ):
            return to_batch(entry.batch_id)
    return render(
        request,
        "publicity/staff/entry_form.html",
        {"entry": entry, "batch": entry.batch, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view("publicity.view_batch")
def entry_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry, rights = entry_for_user(user, pk)
    require(rights.edit)
    up = request.POST.get("direction") == "up"
    attempt(request, lambda: services.entry_move(entry=entry, up=up, actor=user), _("已调整顺序。"))
    return redirect(reverse("publicity:batch-detail", args=[entry.batch_id]) + "#entries")


@require_POST
@staff_view("publicity.view_batch")
def entry_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry, rights = entry_for_user(user, pk)
    require(rights.edit)
    attempt(
        request,
        lambda: services.entry_remove(entry=entry, actor=user),
        _("已将“%(unit)s”移出批次。") % {"unit": entry.unit_name},
    )
    return to_batch(entry.batch_id)
