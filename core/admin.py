"""The kernel's admin: what every app's admin shares (ViewOnlyAdminMixin), and the
working-day calendar, where an administrator enters a new year when the State Council
publishes its holiday notice (docs/operations.md, "A new year of holidays")."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Model, Q, QuerySet, Value, When
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.enums import CalendarDayKind
from core.models import CalendarDay, CalendarYear, RoleGrant
from core.role_grants import (
    DECIDE_PERMISSION,
    RoleGrantError,
    password_change_require,
    pending_grants,
    person_name,
    role_grant_confirm,
    role_grant_refuse,
    user_groups_apply,
)
from core.roles import RoleGrantStatus, role_label
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


# Fields only a superuser may change: those that grant rights beyond the role groups. A role
# group that approves or administers is given only through a confirmed request (below); being
# staff follows from the administrator's role (core.role_grants.role_grant_confirm).
SUPERUSER_ONLY = ("is_superuser", "is_staff", "user_permissions")
# Fields nobody but a superuser changes on their own account.
OWN_ACCOUNT_LOCKED = ("groups", "is_staff", "is_active", "is_superuser", "user_permissions")


class ProtectedUserAdmin(UserAdmin):
    """Accounts, with separation of duties (docs/security.md, "Separation of duties"): a
    role that approves or administers is filed as a request a second administrator confirms
    (the "角色授予" list), and nobody's password is set here but one's own — an administrator
    asks for a new one at the next login instead."""

    actions = ["require_password_change"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("pending_roles")
            if obj.pk != request.user.pk:
                readonly.append("password_note")
        if request.user.is_superuser:
            return readonly
        readonly += [f for f in SUPERUSER_ONLY if f not in readonly]
        if obj is not None and obj.pk == request.user.pk:
            readonly += [f for f in OWN_ACCOUNT_LOCKED if f not in readonly]
        return readonly

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        shown = []
        for name, options in fieldsets:
            fields = list(options["fields"])
            if obj.pk != request.user.pk and "password" in fields:
                # Another person's password: its hash and a link to set it are no business
                # of the administrator's.
                fields[fields.index("password")] = "password_note"
            if "groups" in fields:
                fields.insert(fields.index("groups") + 1, "pending_roles")
            shown.append((name, {**options, "fields": fields}))
        return shown

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        groups = form.base_fields.get("groups")
        if groups is not None and not request.user.is_superuser:
            groups.help_text = _(
                "审批、定稿、决定类角色和管理类角色须由另一位管理员确认后才生效；"
                "勾选后提交的是授予申请。"
            )
        return form

    @admin.display(description=_("密码"))
    def password_note(self, obj: User) -> str:
        return str(
            _(
                "管理员不能设置他人的密码。如需更换，请在账号列表中选中该账号，"
                "执行“要求下次登录时修改密码”。"
            )
        )

    @admin.display(description=_("待确认的角色"))
    def pending_roles(self, obj: User) -> str:
        grants = pending_grants().filter(user=obj)
        return "；".join(
            _("%(role)s（%(requester)s 于 %(at)s 申请）")
            % {
                "role": role_label(grant.group.name),
                "requester": person_name(grant.requested_by),
                "at": timezone.localtime(grant.requested_at).strftime("%Y-%m-%d %H:%M"),
            }
            for grant in grants
        ) or str(_("无"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # The first password was chosen by the administrator: its holder replaces it
            # at their first login.
            password_change_require(user=obj, actor=cast(User, request.user))

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,
        formsets: list[BaseInlineFormSet],
        change: bool,
    ) -> None:
        # The form's groups are not saved as they are: a guarded role becomes a request.
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is None:
            return
        filed, refused = user_groups_apply(
            user=form.instance, groups=groups, actor=cast(User, request.user)
        )
        for grant in filed:
            messages.warning(
                request,
                _(
                    "已提交为 %(user)s 授予“%(role)s”角色的申请：须由另一位管理员在"
                    "“角色授予”中确认后才生效。"
                )
                % {"user": person_name(grant.user), "role": role_label(grant.group.name)},
            )
        for refusal in refused:
            messages.error(request, refusal)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        # Only one's own password, here as on admin:password_change.
        if str(request.user.pk) != str(id):
            raise PermissionDenied(_("管理员不能设置他人的密码。"))
        return super().user_change_password(request, id, form_url)

    @admin.action(description=_("要求下次登录时修改密码"), permissions=["change"])
    def require_password_change(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = cast(User, request.user)
        count = 0
        for user in queryset:
            if self.has_change_permission(request, user):
                password_change_require(user=user, actor=actor)
                count += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d 个账号须在下次登录时修改密码。",
                "%(count)d 个账号须在下次登录时修改密码。",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# The user admin, so nobody raises their own rights there: a non-superuser cannot see or edit
# superusers, cannot grant superuser status, staff status or individual permissions, cannot
# change their own account's groups or status, and gives a role that approves or administers
# only through a request another administrator confirms.
admin.site.unregister(User)
admin.site.register(User, ProtectedUserAdmin)


class ProtectedGroupAdmin(GroupAdmin):
    """Role groups: only a superuser edits them. Giving a group a permission is giving it to
    every member at once, past any confirmation of who holds the role."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


admin.site.unregister(Group)
admin.site.register(Group, ProtectedGroupAdmin)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """The requests for roles that approve or administer: another administrator confirms
    or refuses them here (the actions); the rows are their history and never edited."""

    COLUMNS = ("user", "role", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_display = COLUMNS
    list_filter = ["status"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    list_select_related = ["user", "group", "requested_by", "decided_by"]
    fields = COLUMNS
    readonly_fields = COLUMNS
    actions = ["confirm", "refuse"]

    @admin.display(description=_("角色"), ordering="group__name")
    def role(self, obj: RoleGrant) -> str:
        return role_label(obj.group.name)

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleGrant]:
        grants = super().get_queryset(request)
        # Requests for a superuser's account are a superuser's business, as that account is.
        return grants if request.user.is_superuser else grants.filter(user__is_superuser=False)

    def get_ordering(self, request: HttpRequest) -> Any:
        # The queue first: pending requests, then the history; newest first in each.
        pending_first = Case(When(status=RoleGrantStatus.PENDING, then=Value(0)), default=Value(1))
        return [pending_first.asc(), "-requested_at", "-id"]

    def _decides(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(DECIDE_PERMISSION))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._decides(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._decides(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return self._decides(request)

    def _decide(self, request: HttpRequest, queryset: QuerySet[RoleGrant], confirm: bool) -> None:
        actor = cast(User, request.user)
        for grant_id in queryset.values_list("pk", flat=True):
            try:
                if confirm:
                    grant = role_grant_confirm(grant_id=grant_id, actor=actor)
                else:
                    grant = role_grant_refuse(grant_id=grant_id, actor=actor)
            except RoleGrantError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            names = {"user": person_name(grant.user), "role": role_label(grant.group.name)}
            self.message_user(
                request,
                (
                    _("已确认：%(user)s 获得“%(role)s”角色，已通知相关人员。")
                    if confirm
                    else _("已拒绝为 %(user)s 授予“%(role)s”角色。")
                )
                % names,
                messages.SUCCESS,
            )

    @admin.action(description=_("确认所选申请"), permissions=["decide"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, confirm=True)

    @admin.action(description=_("拒绝所选申请"), permissions=["decide"])
    def refuse(self, request: HttpRequest, queryset: QuerySet[RoleGrant]) -> None:
        self._decide(request, queryset, confirm=False)


class OwnDeviceTOTPAdmin(TOTPDeviceAdmin):
    """TOTP devices (a lost phone's is deleted here). A device's secret (its config page and
    QR code) is shown only to its holder: an administrator who could read an official's
    secret would hold half of their login. A missing device is a 404, not an error."""

    def _device_for_secret(self, request: HttpRequest, pk: int) -> TOTPDevice:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        device = get_object_or_404(TOTPDevice, pk=pk)
        if device.user_id != request.user.pk:
            raise PermissionDenied
        return device

    def config_view(self, request: HttpRequest, pk: int) -> Any:
        self._device_for_secret(request, pk)
        return super().config_view(request, pk)

    def qrcode_view(self, request: HttpRequest, pk: int) -> Any:
        self._device_for_secret(request, pk)
        return super().qrcode_view(request, pk)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.user_id == request.user.pk:
            return fieldsets
        hidden = {"key", "qrcode_link"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
        ]


admin.site.unregister(TOTPDevice)
admin.site.register(TOTPDevice, OwnDeviceTOTPAdmin)
