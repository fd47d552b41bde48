"""Objections during the prior-notice period: recorded, decided by another official."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.pages import staff_view
from publicity import services
from publicity.forms import (
    ObjectionDecisionForm,
    ObjectionForm,
)
from publicity.permissions import (
    entry_for_user,
    objection_for_user,
)
from publicity.services import PublicationError
from publicity.views.common import acting_user, require, to_batch

# --- Objections ---------------------------------------------------------------------------------


@staff_view("publicity.view_batch")
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    entry, rights = entry_for_user(user, pk)
    require(rights.record_objection.shown)
    form = ObjectionForm(request.POST or None, request.FILES or None, record=entry)
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
            return to_batch(entry.batch_id)
    return render(
        request,
        "publicity/staff/objection_form.html",
        {"entry": entry, "batch": entry.batch, "form": form},
        status=400 if form.errors else 200,
    )


@staff_view("publicity.view_objection")
def objection_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    objection, rights = objection_for_user(user, pk)
    form = ObjectionDecisionForm(request.POST or None, record=objection)
    if request.method == "POST":
        require(rights.uphold.shown or rights.reject.shown)
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
    objection, _rights = objection_for_user(acting_user(request), pk)
    if not objection.evidence:
        raise Http404
    return FileResponse(objection.evidence.open("rb"), as_attachment=True)
