"""The inspectors' back office: enterprises, inspections with findings, accidents, imports.

Thin views: a form cleans, a selector reads (scoped to the user's jurisdiction), a service
writes. Every view is behind ``staff_view`` with the Django permission of its action;
records outside the user's area answer 404.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.calendar import calendar_status
from core.pages import bounded_page_of, page_of, query_without_page, staff_view
from core.uploads import stored_file_response
from registry import importing
from registry.data import FindingData
from registry.forms import (
    AccidentForm,
    CreditCodeLookupForm,
    EnterpriseForm,
    EnterpriseImportForm,
    FindingFormSet,
    InspectionForm,
    normalise_credit_code,
)
from registry.models import EnterpriseImport, Evidence, Finding, Inspection
from registry.permissions import in_user_scope, record_rights
from registry.selectors import (
    accident_get,
    accident_list,
    audit_history,
    audit_history_of_findings,
    enterprise_by_credit_code,
    enterprise_for_inspection,
    enterprise_get,
    enterprise_import_rows_preview,
    enterprise_list,
    enterprise_related,
    evidence_get,
    inspection_deadline_notes,
    inspection_findings,
    inspection_get,
    inspection_list,
    pending_uploads_for,
)
from registry.services import (
    RegistryError,
    accident_create,
    accident_update,
    enterprise_create,
    enterprise_update,
    inspection_create,
    inspection_update,
    pending_upload_create,
    pending_upload_discard,
)
from registry.workflows import IMPORT

PER_PAGE = 25


def _page(request: HttpRequest, queryset: QuerySet[Any]) -> Page:
    return page_of(request, queryset, PER_PAGE)


def _user(request: HttpRequest) -> User:
    # staff_view has let only signed-in users through.
    assert isinstance(request.user, User)  # noqa: S101 - narrows the type for mypy
    return request.user


# --- Enterprises ---------------------------------------------------------------------------


@require_safe
@staff_view("registry.view_enterprise")
def enterprise_list_view(request: HttpRequest) -> HttpResponse:
    filterset = enterprise_list(user=request.user, params=request.GET)
    return render(
        request,
        "registry/enterprise_list.html",
        {
            "filter": filterset,
            # Counted up to a bound: the official's register is every unit of the city.
            "page": bounded_page_of(request, filterset.qs, PER_PAGE),
            "query": query_without_page(request),
        },
    )


@staff_view("registry.add_enterprise")
def enterprise_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EnterpriseForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = enterprise_create(actor=user, data=form.to_data())
        except RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已登记单位“%(name)s”。") % {"name": enterprise.name})
            return redirect("registry:enterprise-detail", pk=enterprise.pk)
    return render(request, "registry/enterprise_form.html", {"form": form, "enterprise": None})


@require_safe
@staff_view("registry.view_enterprise")
def enterprise_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_get(user=request.user, pk=pk)
    related = enterprise_related(enterprise=enterprise, user=request.user)
    rights = record_rights(request.user, "enterprise")
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "enterprise": enterprise,
            **related,
            "history": audit_history(enterprise),
            # The register's row is changed where the unit is registered; staff who see it
            # for an inspection of their own read it.
            "rights": replace(
                rights,
                change=rights.change and in_user_scope(enterprise.jurisdiction, request.user),
            ),
        },
    )


@staff_view("registry.view_enterprise", "registry.change_enterprise")
def enterprise_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    enterprise = enterprise_get(user=user, pk=pk)
    if not in_user_scope(enterprise.jurisdiction, user):
        # Seen for an inspection of the user's area; registered, and so changed, elsewhere.
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, user=user, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise_update(actor=user, enterprise=enterprise, data=form.to_data())
        except RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("registry:enterprise-detail", pk=enterprise.pk)
    return render(
        request, "registry/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


# --- Bulk import ---------------------------------------------------------------------------

IMPORT_PERMS = ("registry.add_enterprise", "registry.change_enterprise")


@staff_view(*IMPORT_PERMS)
def enterprise_import_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EnterpriseImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        enterprise_import = importing.enterprise_import_start(
            actor=user, upload=form.cleaned_data["file"]
        )
        return redirect("registry:enterprise-import-detail", pk=enterprise_import.pk)
    return render(request, "registry/enterprise_import.html", {"form": form})


def _own_import(request: HttpRequest, pk: int) -> EnterpriseImport:
    # An import is its uploader's: nobody else sees its rows before they are written.
    return get_object_or_404(EnterpriseImport, pk=pk, uploaded_by=request.user)


@require_safe
@staff_view(*IMPORT_PERMS)
def enterprise_import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise_import = _own_import(request, pk)
    new_count, update_count, preview = enterprise_import_rows_preview(
        enterprise_import=enterprise_import
    )
    return render(
        request,
        "registry/enterprise_import_detail.html",
        {
            "import": enterprise_import,
            "progress": importing.progress_get(enterprise_import.pk),
            "new_count": new_count,
            "update_count": update_count,
            "preview": preview,
            "errors": enterprise_import.errors[:500],
            "more_errors": max(0, len(enterprise_import.errors) - 500),
            "working": enterprise_import.is_working,
            "rights": IMPORT.rights(enterprise_import, request.user, moves=("confirm",)),
        },
    )


@require_safe
@staff_view(*IMPORT_PERMS)
def enterprise_import_progress_view(request: HttpRequest, pk: int) -> JsonResponse:
    enterprise_import = _own_import(request, pk)
    progress = importing.progress_get(enterprise_import.pk) or {}
    return JsonResponse(
        {
            "status": enterprise_import.status,
            "phase": progress.get("phase", ""),
            "done": progress.get("done", 0),
            "total": progress.get("total", 0),
        }
    )


@require_POST
@staff_view(*IMPORT_PERMS)
def enterprise_import_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise_import = _own_import(request, pk)
    try:
        importing.enterprise_import_confirm(
            actor=_user(request), enterprise_import=enterprise_import
        )
    except RegistryError as error:
        messages.error(request, str(error))
    return redirect("registry:enterprise-import-detail", pk=enterprise_import.pk)


@require_safe
@staff_view(*IMPORT_PERMS)
def enterprise_import_template_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            importing.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="enterprise-import-template.{fmt}"'
    return response


# --- Inspections ---------------------------------------------------------------------------


@require_safe
@staff_view("registry.view_inspection")
def inspection_list_view(request: HttpRequest) -> HttpResponse:
    filterset = inspection_list(user=request.user, params=request.GET, request=request)
    return render(
        request,
        "registry/inspection_list.html",
        {
            "filter": filterset,
            # A million inspections: the count stops early ("more than 1,000").
            "page": bounded_page_of(request, filterset.qs, PER_PAGE),
            "query": query_without_page(request),
        },
    )


def _stage_uploads(formset: Any, user: User) -> None:
    """Keep every accepted file of every finding form server-side, so a form sent back with
    errors shows them as attached (browsers cannot refill file inputs)."""
    for form in formset.forms:
        removed = pending_uploads_for(user=user, ids=form.removed_ids())
        pending_upload_discard(owner=user, uploads=removed)
        attached = pending_uploads_for(user=user, ids=form.kept_ids())
        for checked in form.checked_files:
            attached.append(pending_upload_create(owner=user, checked=checked))
        form.checked_files = []
        form.attached = attached


def _finding_data(form: Any, findings_by_id: dict[int, Finding]) -> FindingData:
    data = form.cleaned_data
    finding = None
    if data.get("finding_id"):
        finding = findings_by_id.get(data["finding_id"])
        if finding is None:
            raise PermissionDenied
    return FindingData(
        category=data["category"],
        description=data["description"],
        provisions=list(data["provisions"]),
        is_major_hazard=data["is_major_hazard"],
        proposed_disposition=data["proposed_disposition"],
        proposed_deadline=data["proposed_deadline"],
        proposed_for_publicity=data["proposed_for_publicity"],
        evidence=form.attached,
        finding=finding,
    )


def _inspection_form_page(
    request: HttpRequest,
    *,
    enterprise: Any,
    inspection: Inspection | None,
) -> HttpResponse:
    user = _user(request)
    existing = inspection_findings(inspection=inspection) if inspection else []
    findings_by_id = {finding.pk: finding for finding in existing}
    if request.method == "POST":
        form = InspectionForm(request.POST, user=user)
        formset = FindingFormSet(request.POST, request.FILES, prefix="findings")
        header_valid = form.is_valid()
        findings_valid = formset.is_valid()
        _stage_uploads(formset, user)
        if header_valid and findings_valid:
            findings = [
                _finding_data(finding_form, findings_by_id)
                for finding_form in formset.forms
                if finding_form.has_changed() or finding_form.cleaned_data.get("finding_id")
            ]
            try:
                if inspection is None:
                    saved = inspection_create(
                        actor=user, enterprise=enterprise, data=form.to_data(), findings=findings
                    )
                else:
                    saved = inspection_update(
                        actor=user, inspection=inspection, data=form.to_data(), findings=findings
                    )
            except RegistryError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已保存检查记录。"))
                _say_how_deadlines_were_reckoned(request, saved)
                return redirect("registry:inspection-detail", pk=saved.pk)
    elif inspection is not None:
        form = InspectionForm(
            user=user,
            initial={
                "date": inspection.date,
                "place": inspection.place_id,
                "inspectors": list(inspection.inspectors.all()),
                "kind": inspection.kind,
                "campaign_basis": inspection.campaign_basis,
                "campaign": inspection.campaign,
                "notes": inspection.notes,
            },
        )
        formset = FindingFormSet(
            prefix="findings",
            initial=[
                {
                    "finding_id": finding.pk,
                    "category": finding.category,
                    "description": finding.description,
                    "provisions": list(finding.provisions.all()),
                    "is_major_hazard": finding.is_major_hazard,
                    "proposed_disposition": finding.proposed_disposition,
                    "proposed_deadline": finding.proposed_deadline,
                    "proposed_for_publicity": finding.proposed_for_publicity,
                }
                for finding in existing
            ],
        )
    else:
        # Where the unit is registered, if that lies in the inspector's area; else they choose.
        place = enterprise.jurisdiction_id if in_user_scope(enterprise.jurisdiction, user) else None
        form = InspectionForm(
            user=user, initial={"inspectors": [user], "kind": "routine", "place": place}
        )
        formset = FindingFormSet(prefix="findings")
    for finding_form in formset.forms:
        finding_id = finding_form["finding_id"].value()
        if finding_id and str(finding_id).isdigit() and int(finding_id) in findings_by_id:
            finding_form.existing_evidence = list(findings_by_id[int(finding_id)].evidence.all())
    return render(
        request,
        "registry/inspection_form.html",
        {
            "form": form,
            "formset": formset,
            "enterprise": enterprise,
            "inspection": inspection,
            "deadline_days": _deadline_days(),
            "calendar": calendar_status(),
        },
    )


def _say_how_deadlines_were_reckoned(request: HttpRequest, inspection: Inspection) -> None:
    """After a save: each deadline that moved off a rest day, then the years assumed."""
    reasons, warning = inspection_deadline_notes(inspection=inspection)
    for reason in reasons:
        messages.info(request, reason)
    if warning:
        messages.warning(request, warning)


def _deadline_days() -> list[tuple[str, int]]:
    from django.conf import settings

    from registry.enums import Disposition

    return [
        (str(label), settings.FINDING_DEADLINE_DAYS[value])
        for value, label in Disposition.choices
        if value in settings.FINDING_DEADLINE_DAYS
    ]


@require_safe
@staff_view("registry.view_enterprise", "registry.add_inspection", "registry.add_finding")
def inspection_start_view(request: HttpRequest) -> HttpResponse:
    """Find the unit to inspect by its credit code in the province's register: a unit
    registered in another city is inspected as the one row it is, never registered again."""
    form = CreditCodeLookupForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        enterprise = enterprise_by_credit_code(code=code)
        if enterprise is not None:
            url = reverse("registry:inspection-create", kwargs={"enterprise_pk": enterprise.pk})
            return redirect(f"{url}?{urlencode({'code': code})}")
        form.add_error(
            "code",
            ValidationError(
                _("全省单位名录中没有统一社会信用代码为 %(code)s 的单位，请先登记该单位。"),
                code="unknown_enterprise",
                params={"code": code},
            ),
        )
    return render(request, "registry/inspection_start.html", {"form": form})


@staff_view("registry.view_enterprise", "registry.add_inspection", "registry.add_finding")
def inspection_create_view(request: HttpRequest, enterprise_pk: int) -> HttpResponse:
    # A unit the user sees, or one found by its credit code (inspection_start_view).
    enterprise = enterprise_for_inspection(
        user=request.user,
        pk=enterprise_pk,
        credit_code=normalise_credit_code(request.GET.get("code", "")),
    )
    return _inspection_form_page(request, enterprise=enterprise, inspection=None)


@staff_view(
    "registry.view_inspection",
    "registry.change_inspection",
    "registry.change_finding",
    "registry.add_finding",
)
def inspection_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_get(user=request.user, pk=pk)
    return _inspection_form_page(request, enterprise=inspection.enterprise, inspection=inspection)


@require_safe
@staff_view("registry.view_inspection")
def inspection_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = inspection_get(user=request.user, pk=pk)
    findings = inspection_findings(inspection=inspection)
    finding_history = audit_history_of_findings(findings)
    return render(
        request,
        "registry/inspection_detail.html",
        {
            "inspection": inspection,
            "inspectors": list(inspection.inspectors.all()),
            "findings": [(finding, finding_history.get(finding.pk, [])) for finding in findings],
            "history": audit_history(inspection),
            "rights": record_rights(request.user, "inspection"),
        },
    )


@require_safe
@staff_view("registry.view_evidence")
def evidence_view(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, to staff who may see its enterprise; never through /media/."""
    evidence: Evidence = evidence_get(user=request.user, pk=pk)
    return stored_file_response(
        evidence.file,
        content_type=evidence.content_type,
        filename=evidence.original_name,
        download=request.GET.get("download") == "1",
    )


# --- Accidents -----------------------------------------------------------------------------


@require_safe
@staff_view("registry.view_accident")
def accident_list_view(request: HttpRequest) -> HttpResponse:
    filterset = accident_list(user=request.user, params=request.GET)
    return render(
        request,
        "registry/accident_list.html",
        {
            "filter": filterset,
            "page": _page(request, filterset.qs),
            "query": query_without_page(request),
        },
    )


@staff_view("registry.add_accident")
def accident_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    initial: dict[str, Any] = {}
    if request.method != "POST" and request.GET.get("enterprise"):
        enterprise_pk = request.GET["enterprise"]
        if enterprise_pk.isdigit():
            enterprise = enterprise_get(user=user, pk=int(enterprise_pk))
            initial = {"enterprise_code": enterprise.credit_code or ""}
    form = AccidentForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accident = accident_create(actor=user, data=form.to_data())
        except RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已登记事故。"))
            return redirect("registry:accident-detail", pk=accident.pk)
    return render(request, "registry/accident_form.html", {"form": form, "accident": None})


@require_safe
@staff_view("registry.view_accident")
def accident_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    accident = accident_get(user=request.user, pk=pk)
    return render(
        request,
        "registry/accident_detail.html",
        {
            "accident": accident,
            "history": audit_history(accident),
            "rights": record_rights(request.user, "accident"),
        },
    )


@staff_view("registry.view_accident", "registry.change_accident")
def accident_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    accident = accident_get(user=user, pk=pk)
    form = AccidentForm(request.POST or None, user=user, instance=accident)
    if request.method == "POST" and form.is_valid():
        try:
            accident_update(actor=user, accident=accident, data=form.to_data())
        except RegistryError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("registry:accident-detail", pk=accident.pk)
    return render(request, "registry/accident_form.html", {"form": form, "accident": accident})
