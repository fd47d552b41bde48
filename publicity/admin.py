"""Admin of publication: batches, entries, objections, errata, media reports, submissions.

Batches, entries, objections, errata, media reports and submissions are the aggregates of
workflow tables (publicity.workflows, publicity.submissions.workflow): they are made and
moved only through the staff pages and their services, which check the table, keep the
scopes and write the history. Here they are shown, never added, changed or deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from core.admin import ViewOnlyAdminMixin
from publicity.models import (
    Batch,
    BatchTransition,
    CaseTally,
    Entry,
    EntryFigureTally,
    EntryTally,
    Erratum,
    ExportJob,
    ExposedUnit,
    ExposedUnitTally,
    MediaReport,
    Objection,
    PriorNoticeLetter,
    PublicationJob,
    Submission,
)
from registry.admin import HistoryAdminMixin, district_filter


class NoBulkDeleteMixin:
    """Drops "delete selected": deleting is decided per object (has_delete_permission)."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        actions.pop("delete_selected", None)
        return actions


class EntryInline(admin.TabularInline):
    model = Entry
    readonly_fields = (
        "position",
        "unit_name",
        "district",
        "category",
        "disposition",
        "rectification_deadline",
        "department",
        "responsible_person",
        "status",
    )
    fields = readonly_fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entry]:
        return super().get_queryset(request).select_related("district", "department")


class BatchTransitionInline(HistoryAdminMixin, admin.TabularInline):
    model = BatchTransition
    readonly_fields = ("at", "from_status", "to_status", "by", "comment")
    fields = readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[BatchTransition]:
        return super().get_queryset(request).select_related("by")


@admin.register(Batch)
class BatchAdmin(ViewOnlyAdminMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["__str__", "status", "published_on", "outlet", "composed_by", "approved_by"]
    list_filter = ["status", "year"]
    search_fields = ["outlet"]
    list_select_related = ["composed_by", "approved_by"]
    date_hierarchy = "published_on"
    readonly_fields = [
        "status",
        "year",
        "number",
        "composed_by",
        "created_at",
        "submitted_at",
        "approved_by",
        "approved_at",
        "notice_period_ends",
        "finalised_at",
        "published_on",
        "notice_pdf",
        "notice_sha256",
    ]
    inlines = [BatchTransitionInline, EntryInline]


@admin.register(BatchTransition)
class BatchTransitionAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["at", "batch", "from_status", "to_status", "by"]
    list_filter = ["to_status"]
    search_fields = ["comment"]
    list_select_related = ["batch", "by"]
    date_hierarchy = "at"


@admin.register(Entry)
class EntryAdmin(ViewOnlyAdminMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = [
        "unit_name",
        "batch",
        "position",
        "status",
        "category",
        "disposition",
        "district",
        "rectification_deadline",
        "published_on",
    ]
    list_filter = ["status", "category", "disposition", district_filter("district"), "industry"]
    search_fields = ["unit_name", "=enterprise__credit_code"]
    list_select_related = ["batch", "district"]
    date_hierarchy = "published_on"
    raw_id_fields = ["batch", "finding", "further_findings", "case"]
    autocomplete_fields = ["enterprise", "district", "department"]
    readonly_fields = [
        "status",
        "published_on",
        "case",
        "listed_until",
        "removed_on",
        "removal_reason",
    ]
    show_full_result_count = False


@admin.register(Objection)
class ObjectionAdmin(ViewOnlyAdminMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["entry", "received_on", "decision", "decided_by", "decided_at"]
    list_filter = ["decision"]
    search_fields = ["entry__unit_name", "statement"]
    list_select_related = ["entry", "decided_by"]
    date_hierarchy = "received_on"
    raw_id_fields = ["entry"]
    readonly_fields = ["recorded_by", "decision", "decided_by", "decided_at", "reasons"]


@admin.register(Erratum)
class ErratumAdmin(ViewOnlyAdminMixin, NoBulkDeleteMixin, admin.ModelAdmin):
    list_display = ["entry", "kind", "status", "author", "approved_by", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["entry__unit_name", "reason"]
    list_select_related = ["entry", "author", "approved_by"]
    date_hierarchy = "created_at"
    raw_id_fields = ["entry"]
    readonly_fields = ["status", "author", "approved_by", "created_at", "approved_at"]


@admin.register(MediaReport)
class MediaReportAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["headline", "outlet", "date", "batch"]
    list_filter = ["outlet"]
    search_fields = ["headline", "outlet"]
    list_select_related = ["batch"]
    date_hierarchy = "date"
    raw_id_fields = ["entries"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"  # Django 6's default; links typed without a scheme
        return super().formfield_for_dbfield(db_field, request, **kwargs)


IDENTITY_FIELDS = ("submitter_name", "submitter_contact")


@admin.register(Submission)
class SubmissionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The submitter's name and contact exist here only for holders of
    ``publicity.view_submitter_identity``: not in the form, the list, search or filters."""

    list_display = [
        "tracking_code",
        "kind",
        "subject",
        "status",
        "district",
        "assigned_to",
        "created_at",
    ]
    list_filter = ["kind", "status", "is_anonymous"]
    search_fields = ["=tracking_code", "subject", "unit_name"]
    list_select_related = ["district", "assigned_to"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["district"]
    raw_id_fields = ["assigned_to"]
    readonly_fields = ["created_at", "replied_at"]

    @staticmethod
    def _sees_identity(request: HttpRequest) -> bool:
        return request.user.has_perm("publicity.view_submitter_identity")

    def get_exclude(self, request: HttpRequest, obj: Submission | None = None) -> Any:
        excluded = list(super().get_exclude(request, obj) or [])
        return excluded if self._sees_identity(request) else [*excluded, *IDENTITY_FIELDS]

    def get_fields(self, request: HttpRequest, obj: Submission | None = None) -> Any:
        fields = super().get_fields(request, obj)
        if self._sees_identity(request):
            return fields
        return [f for f in fields if f not in IDENTITY_FIELDS]

    def get_readonly_fields(self, request: HttpRequest, obj: Submission | None = None) -> Any:
        readonly = [*super().get_readonly_fields(request, obj), *(["tracking_code"] if obj else [])]
        if self._sees_identity(request):
            return readonly
        # Anonymity goes with the identity fields (a check constraint ties them): without
        # those in the form, ticking "anonymous" would fail in the database, not the form.
        return [*(f for f in readonly if f not in IDENTITY_FIELDS), "is_anonymous"]

    def get_list_display(self, request: HttpRequest) -> Any:
        if self._sees_identity(request):
            return [*self.list_display, *IDENTITY_FIELDS]
        return self.list_display

    def get_search_fields(self, request: HttpRequest) -> Any:
        if self._sees_identity(request):
            return [*self.search_fields, *IDENTITY_FIELDS]
        return self.search_fields

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # Django allows any lookup on a local field from the query string, so without this
        # "?submitter_contact__startswith=138" would let a user probe contacts by result count.
        if lookup.split("__")[0] in IDENTITY_FIELDS and not self._sees_identity(request):
            return False
        return super().lookup_allowed(lookup, value, request)


# --- Issue 4: documents and their outbox (written by the workflow's tasks only) -------------


@admin.register(PriorNoticeLetter)
class PriorNoticeLetterAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["entry", "sha256", "built_at"]
    list_select_related = ["entry"]
    readonly_fields = ["entry", "file", "sha256", "built_at"]


@admin.register(PublicationJob)
class PublicationJobAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["batch", "kind", "created_at", "dispatched_at", "attempts", "finished_at"]
    list_filter = ["kind"]
    list_select_related = ["batch"]


@admin.register(ExportJob)
class ExportJobAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Large downloads of the public list written by a worker: read-only, for following a
    job that failed or waits (the hourly purge deletes them with their files)."""

    list_display = ["token", "format", "status", "row_count", "created_at", "finished_at"]
    list_filter = ["status", "format"]
    search_fields = ["token", "key"]


# --- The home page's tallies (kept by database triggers, migration 0018) -------------------


@admin.register(EntryTally)
class EntryTallyAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Rows of changes: a key's figure is the sum of its rows (``manage.py
    recount_site_tallies`` counts them afresh). Shown for following them, never written here."""

    list_display = ["district", "status", "entries"]
    list_filter = ["status"]
    list_select_related = ["district"]


@admin.register(EntryFigureTally)
class EntryFigureTallyAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """The statistics' rows of changes (migration 0021), as the tallies above."""

    list_display = ["district", "industry", "disposition", "year", "entries"]
    list_filter = ["disposition", "year"]
    list_select_related = ["district", "industry"]


@admin.register(CaseTally)
class CaseTallyAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["district", "status", "deadline", "on_time", "cases"]
    list_filter = ["status"]
    list_select_related = ["district"]


@admin.register(ExposedUnit)
class ExposedUnitAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["enterprise", "entries"]
    list_select_related = ["enterprise"]
    # The unit's page is reached from the row; a select of every enterprise would be huge.
    raw_id_fields = ["enterprise"]


@admin.register(ExposedUnitTally)
class ExposedUnitTallyAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["id", "units"]
