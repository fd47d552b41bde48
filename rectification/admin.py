"""Admin of rectification follow-up: cases, their timeline, evidence and reminders.

A case and its timeline change only through the CASE table's transition function
(rectification.services.case_transition), which writes the event in the same transaction:
here they are shown, never added, changed or deleted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ViewOnlyAdminMixin
from rectification.models import (
    AccessCode,
    Case,
    Event,
    EventEvidence,
    InboxMessage,
    Reminder,
    Reply,
)
from registry.admin import (
    FILE_METADATA_FIELDS,
    HistoryAdminMixin,
    district_filter,
)


class OverdueListFilter(admin.SimpleListFilter):
    title = _("逾期")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("仅看逾期"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Case]) -> QuerySet[Case]:
        return queryset.overdue() if self.value() == "yes" else queryset  # type: ignore[attr-defined]


class EventInline(HistoryAdminMixin, admin.TabularInline):
    model = Event
    readonly_fields = (
        "at",
        "kind",
        "actor",
        "from_status",
        "to_status",
        "new_deadline",
        "text",
        "is_public",
    )
    fields = readonly_fields
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return super().get_queryset(request).select_related("actor")


@admin.register(Case)
class CaseAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "enterprise",
        "disposition",
        "status",
        "deadline",
        "is_overdue",
        "department",
        "responsible_person",
    ]
    list_filter = [
        "status",
        OverdueListFilter,
        "disposition",
        "goal",
        district_filter("place"),
    ]
    search_fields = ["enterprise__name", "=enterprise__credit_code", "responsible_person"]
    list_select_related = ["enterprise", "department"]
    date_hierarchy = "deadline"
    autocomplete_fields = ["enterprise", "department"]
    raw_id_fields = ["findings"]
    readonly_fields = ["status", "closed_on", "escalated_at", "updated_at"]
    inlines = [EventInline]
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Case]:
        # __str__ names the enterprise; this also serves raw-id lookups from entries. (The
        # changelist skips list_select_related when the queryset already selects related.)
        return super().get_queryset(request).select_related("enterprise", "department")

    @admin.display(description=_("已逾期"), boolean=True)
    def is_overdue(self, obj: Case) -> bool:
        return obj.is_overdue()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False  # a case is cancelled through its timeline, never deleted


@admin.register(Event)
class EventAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["at", "case", "kind", "actor", "new_deadline", "is_public"]
    list_filter = ["kind", "is_public"]
    search_fields = ["case__enterprise__name", "text"]
    list_select_related = ["case__enterprise", "actor"]
    date_hierarchy = "at"
    show_full_result_count = False


@admin.register(EventEvidence)
class EventEvidenceAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["original_name", "event", "content_type", "size"]
    search_fields = ["original_name", "=sha256", "event__case__enterprise__name"]
    list_select_related = ["event"]
    raw_id_fields = ["event"]
    readonly_fields = FILE_METADATA_FIELDS


@admin.register(Reminder)
class ReminderAdmin(HistoryAdminMixin, admin.ModelAdmin):
    list_display = ["sent_at", "case", "kind", "occasion", "delivery", "emailed_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["case__enterprise__name"]
    list_select_related = ["case__enterprise"]
    date_hierarchy = "sent_at"
    show_full_result_count = False


@admin.register(InboxMessage)
class InboxMessageAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Written by the reminder sweep; the recipient reads them on their inbox page."""

    list_display = ["created_at", "recipient", "subject", "read_at"]
    search_fields = ["subject", "recipient__username", "case__enterprise__name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(AccessCode)
class AccessCodeAdmin(HistoryAdminMixin, admin.ModelAdmin):
    """Issued with the unit's letter from the case page; only the code's SHA-256 is kept, so
    there is nothing here to read the code from."""

    list_display = ["case", "issued_at", "issued_by", "revoked_at"]
    list_select_related = ["case__enterprise", "issued_by"]
    search_fields = ["case__enterprise__name"]
    exclude = ["code_hash"]
    show_full_result_count = False


@admin.register(Reply)
class ReplyAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The units' replies: moved only by the REPLY table on the staff pages
    (rectification.replies.reply_transition), which writes the history row; shown here."""

    list_display = ["submitted_at", "case", "status", "decided_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["case__enterprise__name"]
    list_select_related = ["case__enterprise", "decided_by"]
    date_hierarchy = "submitted_at"
    readonly_fields = ["status"]
    exclude = ["attachment"]
    show_full_result_count = False
