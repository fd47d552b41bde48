"""Admin of the registry: reference data, enterprises, inspections, findings, accidents.

Big foreign keys (enterprises, findings, users) use autocomplete or raw ids: a select of
200k enterprises or every user would be rendered into every form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ViewOnlyAdminMixin
from core.uploads import evidence_check
from registry.data import finding_deadline_problem
from registry.enums import JurisdictionLevel
from registry.history import audit_record, audit_snapshot
from registry.models import (
    Accident,
    AuditRecord,
    Authority,
    Department,
    Enterprise,
    EnterpriseImport,
    EnterpriseImportRow,
    Evidence,
    Finding,
    Industry,
    Inspection,
    Jurisdiction,
    LegalProvision,
    PendingUpload,
    StaffProfile,
)
from registry.services import AUDITED_FIELDS


def district_filter(field: str) -> type[admin.SimpleListFilter]:
    """A list filter "this district and everything under it" on the jurisdiction at ``field``.

    The choices are the district-level jurisdictions and the value is the district's path, so
    filtering is one indexed prefix match and needs no lookup of the chosen district.
    """

    class DistrictListFilter(admin.SimpleListFilter):
        title = _("县区")
        parameter_name = "district"

        def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
            districts = Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT)
            return [(district.path, district.display_name) for district in districts]

        def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
            if self.value():
                return queryset.filter(**{f"{field}__path__startswith": self.value()})
            return queryset

    return DistrictListFilter


class CheckedFileAdminForm(forms.ModelForm):
    """An evidence file added in the admin passes the same checks as on the staff pages
    (type read from the content, photos re-encoded without EXIF, size and pixel caps), and
    its name, type, size and SHA-256 describe the bytes stored — people never type them."""

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged
        checked = evidence_check(upload)
        self.instance.original_name = checked.original_name
        self.instance.content_type = checked.content_type
        self.instance.size = checked.size
        self.instance.sha256 = checked.sha256
        return checked.content


FILE_METADATA_FIELDS = ["original_name", "content_type", "size", "sha256"]


def _audited_fields(obj: Model) -> list[str] | None:
    return AUDITED_FIELDS.get(obj._meta.label_lower)


def _before(obj: Model) -> dict[str, str] | None:
    """The row as stored, before the admin's form is saved over it (None for a new row)."""
    fields = _audited_fields(obj)
    if fields is None or obj.pk is None:
        return None
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    return None if stored is None else audit_snapshot(stored, fields)


def _audit(request: HttpRequest, obj: Model, before: dict[str, str] | None) -> None:
    fields = _audited_fields(obj)
    if fields is None:
        return
    audit_record(
        actor=request.user,  # type: ignore[arg-type]
        obj=obj,
        action=AuditRecord.Action.CREATED if before is None else AuditRecord.Action.CHANGED,
        before=before,
        after=audit_snapshot(obj, fields),
    )


class AuditedAdminMixin:
    """Edits through the admin are audited like the back office's: the record is written in
    the admin's own transaction, after the row, its many-to-many fields and its inlines
    (audited ones included) are saved."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        request._audit_before = _before(obj)  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        _audit(request, form.instance, getattr(request, "_audit_before", None))

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        audited = _audited_fields(formset.model()) is not None
        changed = [
            f
            for f in formset.forms
            if audited and f.has_changed() and f not in formset.deleted_forms
        ]
        before = {id(f): _before(f.instance) for f in changed}
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for inline_form in changed:
            _audit(request, inline_form.instance, before[id(inline_form)])


# Append-only history and workflow aggregates: shown, never written here (core.admin).
HistoryAdminMixin = ViewOnlyAdminMixin


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    """The authorities and what their notices, letters and pages say (registry.authorities:
    an empty field is inherited from the authority above, then from the deployment's
    settings)."""

    list_display = ["name", "jurisdiction", "site_slug", "hotline", "objection_period_days"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]
    fieldsets = [
        (None, {"fields": ["jurisdiction", "name", "name_en", "site_slug"]}),
        (
            _("公告与页面"),
            {"fields": ["regulation", "hotline", "newspapers", "map_script", "map_name"]},
        ),
        (
            _("公示规则（留空则沿用上级或系统默认）"),
            {
                "fields": [
                    "objection_period_days",
                    "objection_period_unit",
                    "publicity_term_days",
                    "early_removal_after_days",
                ]
            },
        ),
    ]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "level", "parent", "sort_order"]
    list_filter = ["level"]
    search_fields = ["name", "name_en", "code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        # A node may move (a city put under its province: Jurisdiction.save moves its whole
        # tree's paths with it); its code is its identity and stays.
        return ["code", "path"] if obj else ["path"]


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "sort_order"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "jurisdiction", "sort_order"]
    list_filter = ["jurisdiction__level", district_filter("jurisdiction")]
    search_fields = ["name", "name_en", "code"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction"]


@admin.register(LegalProvision)
class LegalProvisionAdmin(admin.ModelAdmin):
    list_display = ["act", "article"]
    list_filter = ["act"]
    search_fields = ["act", "article", "text"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    """Where a member of staff works. A profile grants no right by itself (the role groups
    do, and those that approve or administer only on a second administrator's confirmation:
    core.role_grants); it stays with the account it was made for."""

    list_display = ["user", "jurisdiction", "department", "phone"]
    list_filter = ["jurisdiction__level"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "phone"]
    list_select_related = ["user", "jurisdiction", "department"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["jurisdiction", "department"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> Any:
        # Moving a profile to another account would hand that account someone else's place
        # (an official's city-wide jurisdiction, a liaison's department).
        return ["user"] if obj is not None else []


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "credit_code",
        "jurisdiction",
        "industry",
        "licence_status",
        "operating_status",
    ]
    list_filter = [
        "licence_status",
        "operating_status",
        "industry",
        district_filter("jurisdiction"),
    ]
    search_fields = ["name", "=credit_code", "legal_representative"]
    list_select_related = ["jurisdiction", "industry"]
    autocomplete_fields = ["jurisdiction"]
    readonly_fields = ["created_at", "updated_at"]
    # A full COUNT(*) over every enterprise on each changelist view is wasted work.
    show_full_result_count = False


class FindingInlineFormSet(forms.BaseInlineFormSet):
    """The admin's findings of an inspection ask the service's rule on their deadlines, against
    the inspection's date as posted on the same page."""

    def clean(self) -> None:
        super().clean()
        inspected_on = getattr(self.instance, "date", None)
        if inspected_on is None:
            return
        for form in self.forms:
            if not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            problem = finding_deadline_problem(
                deadline=form.cleaned_data.get("proposed_deadline"), inspected_on=inspected_on
            )
            if problem:
                form.add_error("proposed_deadline", problem)


class FindingAdminForm(forms.ModelForm):
    class Meta:
        model = Finding
        fields = "__all__"  # noqa: DJ007 - the admin's fieldsets choose what is shown

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        inspection = cleaned.get("inspection")
        if inspection is not None:
            problem = finding_deadline_problem(
                deadline=cleaned.get("proposed_deadline"), inspected_on=inspection.date
            )
            if problem:
                self.add_error("proposed_deadline", problem)
        return cleaned


class FindingInline(admin.StackedInline):
    model = Finding
    formset = FindingInlineFormSet
    extra = 0
    fields = [
        "category",
        "description",
        "provisions",
        "is_major_hazard",
        "proposed_disposition",
        "proposed_deadline",
        "proposed_for_publicity",
    ]
    autocomplete_fields = ["provisions"]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        # Each stacked form is titled with the finding's __str__, which names the enterprise.
        return super().get_queryset(request).select_related("inspection__enterprise")


@admin.register(Inspection)
class InspectionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "date", "kind", "campaign", "created_by"]
    list_filter = ["kind", "campaign_basis", district_filter("place")]
    search_fields = ["enterprise__name", "=enterprise__credit_code", "campaign"]
    list_select_related = ["enterprise", "created_by"]
    date_hierarchy = "date"
    autocomplete_fields = ["enterprise"]
    raw_id_fields = ["inspectors"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [FindingInline]
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Inspection | None = None) -> Any:
        # Where it took place is chosen when it is recorded: its findings' entries and cases
        # were placed by it (registry.services.inspection_update keeps it so too).
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "place"] if obj is not None else fields

    def get_form(
        self,
        request: HttpRequest,
        obj: Inspection | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "place" in form.base_fields:
            # Left empty, where its unit is registered, as the registration service takes it.
            form.base_fields["place"].required = False
            form.base_fields["place"].help_text = _("不填则为单位的登记地。")
        return form

    def save_model(self, request: HttpRequest, obj: Inspection, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
            if obj.place_id is None:
                obj.place_id = obj.enterprise.jurisdiction_id
        super().save_model(request, obj, form, change)


class EvidenceInline(admin.TabularInline):
    model = Evidence
    form = CheckedFileAdminForm
    extra = 0
    fields = ["file", *FILE_METADATA_FIELDS, "uploaded_by", "uploaded_at"]
    readonly_fields = [*FILE_METADATA_FIELDS, "uploaded_by", "uploaded_at"]
    # Evidence proves a finding that may already be in print: it is added, never removed.
    can_delete = False


@admin.register(Finding)
class FindingAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = FindingAdminForm
    list_display = [
        "id",
        "enterprise",
        "category",
        "proposed_disposition",
        "is_major_hazard",
        "proposed_for_publicity",
        "created_at",
    ]
    list_filter = ["category", "proposed_disposition", "is_major_hazard", "proposed_for_publicity"]
    search_fields = ["inspection__enterprise__name", "=inspection__enterprise__credit_code"]
    list_select_related = ["inspection__enterprise"]
    date_hierarchy = "inspection__date"
    raw_id_fields = ["inspection"]
    autocomplete_fields = ["provisions"]
    readonly_fields = ["created_at"]
    inlines = [EvidenceInline]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        # __str__ names the enterprise; this also serves autocomplete and raw-id lookups. (The
        # changelist skips list_select_related when the queryset already selects related.)
        return super().get_queryset(request).select_related("inspection__enterprise")

    @admin.display(description=_("单位"), ordering="inspection__enterprise__name")
    def enterprise(self, obj: Finding) -> str:
        return obj.inspection.enterprise.name

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Evidence:
            super().save_formset(request, form, formset, change)
            return
        for evidence in formset.save(commit=False):
            if evidence.pk is None:
                evidence.uploaded_by = request.user
            evidence.save()
        formset.save_m2m()


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = [
        "original_name",
        "finding",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    search_fields = ["original_name", "=sha256", "finding__inspection__enterprise__name"]
    list_select_related = ["finding__inspection__enterprise", "uploaded_by"]
    date_hierarchy = "uploaded_at"
    raw_id_fields = ["finding"]
    readonly_fields = [*FILE_METADATA_FIELDS, "uploaded_by", "uploaded_at"]
    form = CheckedFileAdminForm

    def save_model(self, request: HttpRequest, obj: Evidence, form: Any, change: bool) -> None:
        if not change:
            obj.uploaded_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Accident)
class AccidentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "date",
        "kind",
        "jurisdiction",
        "enterprise",
        "deaths",
        "injuries",
        "direct_loss",
        "is_major",
    ]
    list_filter = ["kind", district_filter("jurisdiction")]
    search_fields = ["enterprise__name", "description"]
    list_select_related = ["jurisdiction", "enterprise"]
    date_hierarchy = "date"
    autocomplete_fields = ["jurisdiction", "enterprise"]
    readonly_fields = ["created_at"]

    @admin.display(description=_("较大事故"), boolean=True)
    def is_major(self, obj: Accident) -> bool:
        return obj.is_major


@admin.register(AuditRecord)
class AuditRecordAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Written by the services in the same transaction as the change; never edited."""

    list_display = ["at", "actor", "action", "content_type", "object_id"]
    list_filter = ["action", "content_type"]
    list_select_related = ["actor", "content_type"]
    date_hierarchy = "at"


@admin.register(EnterpriseImport)
class EnterpriseImportAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Imports run through the back office (check, preview, confirm); shown here only."""

    list_display = ["original_name", "uploaded_by", "status", "created_count", "updated_count"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]


@admin.register(EnterpriseImportRow)
class EnterpriseImportRowAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The checked rows of the imports, written by the check job; shown here only."""

    list_display = ["enterprise_import", "row", "existing_id"]
    list_select_related = ["enterprise_import"]


@admin.register(PendingUpload)
class PendingUploadAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Files staged on inspection forms sent back with errors; they become evidence or go."""

    list_display = ["original_name", "owner", "content_type", "size", "created_at"]
    list_select_related = ["owner"]
