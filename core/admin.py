"""What every app's admin shares."""

from __future__ import annotations

from django.db.models import Model
from django.http import HttpRequest


class ViewOnlyAdminMixin:
    """The admin shows these rows and never writes them. For append-only history (batch
    transitions, case events, reminders, audit rows) and for every aggregate of a workflow
    table (core.workflow): its states move only through its transition function, which checks
    the table and writes the history row, so the admin cannot add, change or delete one —
    the staff pages are where the work is done. Works for ModelAdmin and inlines alike."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
