"""The kernel's admin: what every app's admin shares (ViewOnlyAdminMixin), and the
working-day calendar, where an administrator enters a new year when the State Council
publishes its holiday notice (docs/operations.md, "A new year of holidays")."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Count, Model, Q, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.enums import CalendarDayKind
from core.models import CalendarDay, CalendarYear
from core.services import calendar_year_revise


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


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "kind", "name"]
    # A year's notice has about 30 days off and 6 adjusted working days: enough blank rows on
    # the add page to type them all without asking for more; none on the change page.
    extra = 40

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 0 if obj is not None else self.extra


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "source",
        "notice",
        "notice_date",
        "holiday_count",
        "adjusted_working_day_count",
        "entered_by",
        "entered_at",
    ]
    list_filter = ["source"]
    search_fields = ["=year", "notice"]
    fields = [
        "year",
        "notice",
        "notice_date",
        "source",
        "package_version",
        "entered_by",
        "entered_at",
    ]
    readonly_fields = ["source", "package_version", "entered_by", "entered_at"]
    inlines = [CalendarDayInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CalendarYear]:
        return (
            super()
            .get_queryset(request)
            .select_related("entered_by")
            .annotate(
                holidays=Count("days", filter=Q(days__kind=CalendarDayKind.HOLIDAY)),
                adjusted=Count("days", filter=Q(days__kind=CalendarDayKind.ADJUSTED_WORKING_DAY)),
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The days of a year are checked against its number: renumbering a year would leave
        # them in another one. Delete the year and enter it again instead.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "year"] if obj is not None else fields

    @admin.display(description=_("法定节假日"), ordering="holidays")
    def holiday_count(self, obj: Any) -> int:
        return int(obj.holidays)

    @admin.display(description=_("调休上班"), ordering="adjusted")
    def adjusted_working_day_count(self, obj: Any) -> int:
        return int(obj.adjusted)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if obj.entered_at is None:
            obj.entered_at = timezone.now()  # the service below records the final time
        super().save_model(request, obj, form, change)

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        super().save_related(request, form, formsets, change)
        # Saving a year unchanged leaves it as it was (a seeded year stays the package's).
        if change and not form.has_changed() and not any(f.has_changed() for f in formsets):
            return
        # After the days are saved: the new revision tells every process to reload the year.
        calendar_year_revise(calendar_year=form.instance, actor=cast(User, request.user))


# Fields only a superuser may change: those that grant rights beyond the role groups.
SUPERUSER_ONLY = ("is_superuser", "user_permissions")
# Fields nobody but a superuser changes on their own account.
OWN_ACCOUNT_LOCKED = ("groups", "is_staff", "is_active", "is_superuser", "user_permissions")


class ProtectedUserAdmin(UserAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        readonly += [f for f in SUPERUSER_ONLY if f not in readonly]
        if obj is not None and obj.pk == request.user.pk:
            readonly += [f for f in OWN_ACCOUNT_LOCKED if f not in readonly]
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


# The user admin, so nobody raises their own rights there: a non-superuser cannot see or edit
# superusers, cannot grant superuser status or individual permissions, and cannot change their
# own account's groups or status.
admin.site.unregister(User)
admin.site.register(User, ProtectedUserAdmin)
