"""After publication: errata, media reports, early removal from the list."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.pages import staff_view
from publicity import services
from publicity.enums import ErratumKind
from publicity.forms import (
    EarlyRemovalForm,
    ErratumForm,
    MediaReportForm,
)
from publicity.permissions import (
    batch_for_user,
    entry_for_user,
    erratum_for_user,
)
from publicity.services import PublicationError
from publicity.views.common import acting_user, attempt, require, to_batch

# --- After publication --------------------------------------------------------------------------


@staff_view("publicity.view_batch")
def erratum_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry, rights = entry_for_user(user, pk)
    require(rights.add_erratum.shown)
    form = ErratumForm(request.POST or None, record=entry)
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
            return to_batch(entry.batch_id)
    return render(
        request,
        "publicity/staff/erratum_form.html",
        {"entry": entry, "batch": entry.batch, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_view("publicity.view_batch")
def erratum_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    erratum, rights = erratum_for_user(user, pk)
    approve = request.POST.get("decision") == "approve"
    require((rights.approve if approve else rights.reject).permitted)
    attempt(
        request,
        lambda: services.erratum_decide(erratum=erratum, actor=user, approve=approve),
        _("已批准更正。") if approve else _("已不予批准。"),
    )
    return to_batch(erratum.entry.batch_id)


@staff_view("publicity.view_batch")
def media_report_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    batch, rights = batch_for_user(user, pk)
    require(rights.add_media_report)
    entries = batch.entries.order_by("position")
    form = MediaReportForm(request.POST or None, batch_entries=entries)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(
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
            return to_batch(batch.pk)
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
    user = acting_user(request)
    entry, rights = entry_for_user(user, pk)
    decision = rights.remove_early
    # The page explains a refusal of the table's "when" guard (not yet verified, or too
    # soon); someone without the permission, or an entry no longer listed, gets 403.
    require(decision.shown or decision.refused_by == "early_removal_due")
    form = EarlyRemovalForm(request.POST or None, record=entry)
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
            return to_batch(entry.batch_id)
    return render(
        request,
        "publicity/staff/entry_remove_early.html",
        {
            "entry": entry,
            "batch": entry.batch,
            "form": form,
            "decision": decision,
        },
        status=400 if form.errors else 200,
    )
