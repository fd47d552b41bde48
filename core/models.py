"""The working-day calendar: per year, the State Council's statutory holidays and the weekend
days made working days by adjustment (调休). Reckoning over it lives in core.calendar; writes
in core.services."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.enums import CalendarDayKind, CalendarSource


class CalendarYear(models.Model):
    """One year of the official calendar. A year is known to the calendar only if it has a
    row here; for any other year the calendar counts weekends only, and says so."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(
        _("来源"), max_length=20, choices=CalendarSource, default=CalendarSource.ADMINISTRATOR
    )
    notice = models.CharField(
        _("通知文号"),
        max_length=100,
        blank=True,
        help_text=_("国务院办公厅关于该年部分节假日安排的通知，如：国办发明电〔2025〕7号"),
    )
    notice_date = models.DateField(_("通知日期"), null=True, blank=True)
    package_version = models.CharField(
        _("数据包版本"), max_length=20, blank=True, help_text=_("从数据包导入时的版本号")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"))
    # A new value on every change of the year or its days: each process keeps the calendar in
    # memory and reloads a year when this differs (core.calendar). A random value rather than
    # a counter, so a change rolled back and another one made cannot look like the same state.
    revision = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = pgettext_lazy("plural", "节假日安排")
        ordering = ["-year"]

    def __str__(self) -> str:
        return _("%(year)s 年节假日安排") % {"year": self.year}


class CalendarDay(models.Model):
    """A date the notice makes special: a statutory holiday (法定节假日) or an adjusted working
    day (调休上班). Every other date is a working day from Monday to Friday."""

    calendar_year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("年份")
    )
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=CalendarDayKind)
    name = models.CharField(_("节日"), max_length=50, help_text=_("如：春节、国庆节"))

    class Meta:
        verbose_name = _("节假日")
        verbose_name_plural = pgettext_lazy("plural", "节假日")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                # ISO weekday 6 and 7 are Saturday and Sunday.
                condition=Q(kind=CalendarDayKind.HOLIDAY)
                | Q(kind=CalendarDayKind.ADJUSTED_WORKING_DAY, date__iso_week_day__gte=6),
                name="calendar_day_adjusted_working_day_on_weekend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.date is not None:
            year = self._year_of_parent()
            if year is not None and self.date.year != year:
                errors.setdefault("date", []).append(
                    _("%(date)s 不在 %(year)s 年内。")
                    % {"date": self.date.isoformat(), "year": year}
                )
            if self.kind == CalendarDayKind.ADJUSTED_WORKING_DAY and self.date.weekday() < 5:
                errors.setdefault("kind", []).append(
                    _("调休上班日只能是星期六或星期日：%(date)s 本来就是工作日。")
                    % {"date": self.date.isoformat()}
                )
        if errors:
            raise ValidationError(errors)

    def _year_of_parent(self) -> int | None:
        # In the admin's inline the year may not be saved yet; the form has set the (unsaved)
        # parent on the day, so read it from there rather than by its id.
        try:
            return self.calendar_year.year
        except CalendarYear.DoesNotExist:
            return None


class Access(models.Model):
    """No rows, no table: the holder of the permissions that are about places of the system
    rather than records (who may use the Django admin)."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("系统访问")
        verbose_name_plural = pgettext_lazy("plural", "系统访问")
        permissions = [("use_admin", _("可使用管理后台"))]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Heartbeat(models.Model):
    """The last time a process of a kind showed it was alive: the Celery worker writes "worker"
    every minute (a beat job), and /healthz reports its age. One row per name."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    beat_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M:%S}"


class JobLease(models.Model):
    """A running job's word that its worker is alive (core.jobs): taken when a run starts,
    renewed every JOB_LEASE_RENEW_SECONDS by the worker while the run goes on, given up when
    it ends. A lease past ``expires_at`` means the worker stopped (killed, host gone): the
    outbox sweep sends the job again.

    A row of its own rather than a column of the job: a run holds its job's row lock while
    it builds, and the renewal must never wait on that lock."""

    # What the lease is for: "<app>.<model>:<pk>" of the job (core.jobs.job_lease_key).
    key = models.CharField(_("任务"), max_length=100, unique=True)
    # The process that holds it: "<host>:<pid>".
    holder = models.CharField(_("持有进程"), max_length=200)
    taken_at = models.DateTimeField(_("取得时间"))
    expires_at = models.DateTimeField(_("租约到期时间"))

    class Meta:
        verbose_name = _("任务租约")
        verbose_name_plural = _("任务租约")

    def __str__(self) -> str:
        return f"{self.key} · {self.holder}"
