"""Fixed vocabularies of the kernel: the working-day calendar. Labels are the Chinese terms;
the English catalogue (locale/en) translates them. Values are stable English slugs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDayKind(models.TextChoices):
    """What the State Council's holiday notice makes of a date."""

    # 法定节假日: a rest day of a holiday stretch, weekends inside the stretch included.
    HOLIDAY = "holiday", _("法定节假日")
    # 调休上班: a Saturday or Sunday that is a working day, in exchange for a day off.
    ADJUSTED_WORKING_DAY = "adjusted_working_day", _("调休上班")


class CalendarSource(models.TextChoices):
    """Where a year of the calendar came from."""

    PACKAGE = "package", _("chinese-calendar 数据包")
    ADMINISTRATOR = "administrator", _("管理员录入")


class PeriodUnit(models.TextChoices):
    """How a configured period counts its days."""

    CALENDAR = "calendar", _("自然日")
    WORKING = "working", _("工作日")
