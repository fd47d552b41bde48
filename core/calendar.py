"""Working days on the official calendar (法定节假日 and 调休).

A date is a working day when the State Council's notice for its year makes it one: Monday to
Friday unless it is a statutory holiday, and a Saturday or Sunday only when it is an adjusted
working day (调休上班). The notices are kept in the database (core.models), one
``CalendarYear`` per year, seeded from the ``chinese-calendar`` package and entered by an
administrator for later years.

A year without a ``CalendarYear`` is not known. For its dates the calendar counts weekends
and the statutory holidays that fall on fixed dates (元旦 1 January, 劳动节 1 May — and 2 May
from 2025 —, 国庆节 1–3 October) as rest days; the holidays of the lunar calendar, the days
the notice adds around them and its adjusted working days cannot be assumed. Every answer that
needed such a date says so: ``calendar_known`` is False and ``warning`` reads
"2031 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算". Nothing is
guessed silently.

Each process keeps the calendar in memory. ``working_calendar()`` costs one query (the years
and their revisions) when nothing changed and a second one that reads the changed years' days
when something did, so an administrator's edit takes effect in every web process and worker
at their next call. The module-level functions each call it once; code that works out many
dates (a reminder sweep, a list page) takes ``working_calendar()`` once and asks it in the
loop, which then costs no query at all.

The answers' texts (``reason``, ``warning``) are translated when read, in the language active
then, so a result worked out in a job can be shown on an English page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext, pgettext

from core.enums import CalendarDayKind, PeriodUnit
from core.models import CalendarDay, CalendarYear

ONE_DAY = datetime.timedelta(days=1)

# The names the State Council's notices use, so that the English catalogue translates them
# wherever a holiday's name is shown (an administrator may type another name; it is then
# shown as typed).
HOLIDAY_NAMES = (
    gettext_noop("元旦"),
    gettext_noop("春节"),
    gettext_noop("清明节"),
    gettext_noop("劳动节"),
    gettext_noop("端午节"),
    gettext_noop("中秋节"),
    gettext_noop("国庆节"),
)

# The statutory holidays on fixed dates (全国年节及纪念日放假办法, art. 2), by (month, day):
# the rest days a year whose notice is not entered surely has. A notice makes them longer
# (国庆节 to 1–7 October, with adjusted working days), which cannot be guessed.
FIXED_HOLIDAYS = {
    (1, 1): gettext_noop("元旦"),
    (5, 1): gettext_noop("劳动节"),
    (10, 1): gettext_noop("国庆节"),
    (10, 2): gettext_noop("国庆节"),
    (10, 3): gettext_noop("国庆节"),
}
# State Council Decree No. 795 (2024) gave 劳动节 a second day, 2 May, from 2025.
FIXED_HOLIDAYS_FROM_2025 = {(5, 2): gettext_noop("劳动节")}


def fixed_holiday(day: datetime.date) -> str:
    """The name of the statutory holiday fixed on ``day``'s date, "" if none."""
    key = (day.month, day.day)
    if day.year >= 2025 and key in FIXED_HOLIDAYS_FROM_2025:
        return FIXED_HOLIDAYS_FROM_2025[key]
    return FIXED_HOLIDAYS.get(key, "")


# Each configurable period: the setting holding its number of days (or list of them) and the
# setting holding its unit.
PERIOD_UNIT_SETTINGS = {
    "OBJECTION_PERIOD_DAYS": "OBJECTION_PERIOD_UNIT",
    "REMINDER_DAYS_BEFORE": "REMINDER_DAYS_BEFORE_UNIT",
    "ESCALATE_AFTER_OVERDUE_DAYS": "ESCALATE_AFTER_OVERDUE_UNIT",
}


def unknown_years_warning(years: Iterable[int]) -> str:
    """The sentence that says a reckoning assumed weekends only for ``years`` ("" if none)."""
    ordered = sorted(set(years))
    if not ordered:
        return ""
    separator = pgettext("list separator", "、")
    return gettext(
        "%(years)s 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"
    ) % {"years": separator.join(str(year) for year in ordered)}


class _AssumesYears:
    """What an answer says about the years whose holidays it had to assume."""

    # Years the reckoning passed through that the calendar does not know: for their dates it
    # counted Saturdays, Sundays and the fixed-date statutory holidays as the only rest days.
    unknown_years: tuple[int, ...]

    @property
    def calendar_known(self) -> bool:
        return not self.unknown_years

    @property
    def warning(self) -> str:
        """The sentence naming the assumed years ("" when none was)."""
        return unknown_years_warning(self.unknown_years)


@dataclass(frozen=True)
class Reckoning(_AssumesYears):
    """A date worked out on the calendar."""

    day: datetime.date
    unknown_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class Deadline(_AssumesYears):
    """The last day of a period under the Civil Code's art. 203: a period whose last day is a
    rest day ends on the next working day. ``day`` is that day, ``original`` the day as
    reckoned before the move."""

    day: datetime.date
    original: datetime.date
    # Why ``original`` is a rest day when it is one: the holiday's name, "" for a weekend.
    holiday_name: str = ""
    unknown_years: tuple[int, ...] = ()

    @property
    def moved(self) -> bool:
        return self.day != self.original

    def values(self, field: str) -> dict[str, object]:
        """What a model saves of this deadline: ``field`` itself and its companions
        ``<field>_moved_from`` (the day as reckoned, if it moved) and ``<field>_holiday`` (the
        holiday it moved past, "" for a weekend or no move); ``deadline_info`` reads them."""
        return {
            field: self.day,
            f"{field}_moved_from": self.original if self.moved else None,
            f"{field}_holiday": self.holiday_name if self.moved else "",
        }

    @property
    def reason(self) -> str:
        """What the page prints next to a moved deadline ("" when it did not move)."""
        if not self.moved:
            return ""
        values = {"original": self.original.isoformat(), "day": self.day.isoformat()}
        if self.holiday_name:
            return gettext("原期限 %(original)s 为%(holiday)s假期，顺延至 %(day)s") % {
                **values,
                "holiday": gettext(self.holiday_name),
            }
        if self.original.weekday() == 5:
            return gettext("原期限 %(original)s 为星期六，顺延至 %(day)s") % values
        return gettext("原期限 %(original)s 为星期日，顺延至 %(day)s") % values


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date."""

    day: datetime.date
    working: bool
    # The notice's entry for the date, if it has one: holiday or adjusted working day.
    kind: CalendarDayKind | None
    name: str
    calendar_known: bool

    @property
    def display_name(self) -> str:
        return gettext(self.name) if self.name else ""


@dataclass(frozen=True)
class _Year:
    revision: UUID
    holidays: Mapping[datetime.date, str]
    adjusted_working_days: Mapping[datetime.date, str]


class WorkingCalendar:
    """The calendar as loaded at one moment. Its methods read memory only."""

    def __init__(self, years: Mapping[int, _Year]) -> None:
        self._years = MappingProxyType(dict(years))

    @property
    def revisions(self) -> dict[int, UUID]:
        return {year: data.revision for year, data in self._years.items()}

    def known_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._years))

    def year_is_known(self, year: int) -> bool:
        return year in self._years

    def day_info(self, day: datetime.date) -> DayInfo:
        year = self._years.get(day.year)
        if year is None:
            holiday = fixed_holiday(day)
            if holiday:
                return DayInfo(day, False, CalendarDayKind.HOLIDAY, holiday, calendar_known=False)
            return DayInfo(day, day.weekday() < 5, None, "", calendar_known=False)
        if day in year.adjusted_working_days:
            name = year.adjusted_working_days[day]
            return DayInfo(day, True, CalendarDayKind.ADJUSTED_WORKING_DAY, name, True)
        if day in year.holidays:
            return DayInfo(day, False, CalendarDayKind.HOLIDAY, year.holidays[day], True)
        return DayInfo(day, day.weekday() < 5, None, "", calendar_known=True)

    def is_working_day(self, day: datetime.date) -> bool:
        """Whether ``day`` is a working day (weekends and fixed-date holidays only in a year
        the calendar does not know: ask ``year_is_known`` or ``day_info`` to tell)."""
        return self.day_info(day).working

    def next_working_day(self, day: datetime.date) -> Reckoning:
        """``day`` itself if it is a working day, else the first working day after it."""
        unknown: set[int] = set()
        while True:
            info = self.day_info(day)
            if not info.calendar_known:
                unknown.add(day.year)
            if info.working:
                return Reckoning(day, tuple(sorted(unknown)))
            day += ONE_DAY

    def add_working_days(self, start: datetime.date, n: int) -> Reckoning:
        """The ``n``-th working day after ``start`` (``start`` itself not counted, whether or
        not it is a working day); for a negative ``n``, the ``-n``-th working day before it;
        ``start`` for 0."""
        step = ONE_DAY if n >= 0 else -ONE_DAY
        remaining = abs(n)
        day = start
        unknown: set[int] = set()
        while remaining:
            day += step
            info = self.day_info(day)
            if not info.calendar_known:
                unknown.add(day.year)
            if info.working:
                remaining -= 1
        return Reckoning(day, tuple(sorted(unknown)))

    def add_days(self, start: datetime.date, n: int, unit: PeriodUnit | str) -> Reckoning:
        """``n`` days after ``start`` (before it for a negative ``n``) in ``unit``: "calendar"
        days (plain date arithmetic, no rest day moved) or "working" days."""
        if unit == PeriodUnit.WORKING:
            return self.add_working_days(start, n)
        if unit == PeriodUnit.CALENDAR:
            return Reckoning(start + datetime.timedelta(days=n))
        raise ValueError(f"unknown unit of days {unit!r}: expected 'calendar' or 'working'")

    def deadline_on_working_day(self, day: datetime.date) -> Deadline:
        """The last day of a period that would end on ``day``, under the Civil Code's art. 203
        (期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日): ``day`` if it
        is a working day, else the first working day after the rest days it falls in."""
        info = self.day_info(day)
        moved_to = self.next_working_day(day)
        return Deadline(
            day=moved_to.day,
            original=day,
            holiday_name=info.name if info.kind == CalendarDayKind.HOLIDAY else "",
            unknown_years=moved_to.unknown_years,
        )

    def deadline_after(self, start: datetime.date, n: int, unit: PeriodUnit | str) -> Deadline:
        """The deadline ``n`` days (in ``unit``) after ``start``, moved off a rest day: the
        deadline of a period ordered in calendar days, or counted in working days (which
        already ends on a working day)."""
        reckoned = self.add_days(start, n, unit)
        deadline = self.deadline_on_working_day(reckoned.day)
        unknown = set(reckoned.unknown_years) | set(deadline.unknown_years)
        return Deadline(
            day=deadline.day,
            original=deadline.original,
            holiday_name=deadline.holiday_name,
            unknown_years=tuple(sorted(unknown)),
        )


_loaded: WorkingCalendar | None = None


def working_calendar() -> WorkingCalendar:
    """The current calendar: this process's copy, reloaded for the years that changed.

    One query when nothing changed since the last call, two when a year was entered, edited
    or deleted (in any process: every change gives the year a new revision).
    """
    global _loaded
    revisions = dict(CalendarYear.objects.values_list("year", "revision"))
    current = _loaded
    if current is not None and current.revisions == revisions:
        return current
    kept: Mapping[int, _Year] = current._years if current is not None else {}
    stale = [
        year
        for year, revision in revisions.items()
        if year not in kept or kept[year].revision != revision
    ]
    holidays: dict[int, dict[datetime.date, str]] = {year: {} for year in stale}
    working: dict[int, dict[datetime.date, str]] = {year: {} for year in stale}
    if stale:
        rows = CalendarDay.objects.filter(calendar_year__year__in=stale).values_list(
            "calendar_year__year", "date", "kind", "name"
        )
        for year, date, kind, name in rows:
            target = holidays if kind == CalendarDayKind.HOLIDAY else working
            target[year][date] = name
    years: dict[int, _Year] = {}
    for year, revision in revisions.items():
        if year in holidays:
            years[year] = _Year(
                revision,
                MappingProxyType(holidays[year]),
                MappingProxyType(working[year]),
            )
        else:
            years[year] = kept[year]
    # One assignment, so a thread reading _loaded meanwhile sees the old or the new calendar.
    _loaded = WorkingCalendar(years)
    return _loaded


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day; see ``WorkingCalendar.is_working_day``."""
    return working_calendar().is_working_day(day)


def day_info(day: datetime.date) -> DayInfo:
    """What the calendar says about ``day``; see ``WorkingCalendar.day_info``."""
    return working_calendar().day_info(day)


def next_working_day(day: datetime.date) -> Reckoning:
    """``day`` if it is a working day, else the next one; see ``WorkingCalendar``."""
    return working_calendar().next_working_day(day)


def add_working_days(start: datetime.date, n: int) -> Reckoning:
    """The ``n``-th working day after ``start``; see ``WorkingCalendar.add_working_days``."""
    return working_calendar().add_working_days(start, n)


def add_days(start: datetime.date, n: int, unit: PeriodUnit | str) -> Reckoning:
    """``n`` calendar or working days after ``start``; see ``WorkingCalendar.add_days``."""
    return working_calendar().add_days(start, n, unit)


def deadline_on_working_day(day: datetime.date) -> Deadline:
    """``day`` moved off a rest day (Civil Code art. 203), with the reason; see
    ``WorkingCalendar.deadline_on_working_day``."""
    return working_calendar().deadline_on_working_day(day)


def deadline_after(start: datetime.date, n: int, unit: PeriodUnit | str) -> Deadline:
    """``n`` days in ``unit`` after ``start``, moved off a rest day; see
    ``WorkingCalendar.deadline_after``."""
    return working_calendar().deadline_after(start, n, unit)


def recorded_deadline(
    day: datetime.date, moved_from: datetime.date | None, holiday_name: str = ""
) -> Deadline:
    """A deadline as a model stores it (``day``; and, when it was moved off a rest day, the
    day it was reckoned as and the holiday's name): shown with its reason, no query."""
    return Deadline(
        day=day,
        original=moved_from or day,
        holiday_name=holiday_name if moved_from else "",
    )


def deadline_values(
    field: str, day: datetime.date, *, on: WorkingCalendar | None = None
) -> tuple[Deadline, dict[str, object]]:
    """``day`` moved off a rest day (Civil Code art. 203), and the values of a model's
    ``field`` and its companions ``<field>_moved_from`` and ``<field>_holiday`` to save."""
    deadline = (on or working_calendar()).deadline_on_working_day(day)
    return deadline, deadline.values(field)


def year_unknown(field: str) -> ExpressionWrapper:
    """A queryset annotation: whether the calendar lacks the year of the date in ``field``
    (a path, e.g. ``"case__deadline"``), so that a deadline shown from it was reckoned on an
    assumed calendar; False for a null date. Read in the query that fetches the rows."""
    lacks = ~Exists(CalendarYear.objects.filter(year=ExtractYear(OuterRef(field))))
    return ExpressionWrapper(
        Q(**{f"{field}__isnull": False}) & Q(lacks), output_field=BooleanField()
    )


def known_years() -> tuple[int, ...]:
    """The years the calendar knows, in order."""
    return working_calendar().known_years()


def year_is_known(year: int) -> bool:
    return working_calendar().year_is_known(year)


@dataclass(frozen=True)
class CalendarStatus:
    """Which years the calendar knows, for the dashboard."""

    known_years: tuple[int, ...]
    current_year: int
    current_year_known: bool
    next_year_known: bool

    @property
    def next_year(self) -> int:
        return self.current_year + 1

    @property
    def known_ranges(self) -> str:
        """The known years as runs: "2004–2026", or "2004–2026、2028" with a gap."""
        runs: list[list[int]] = []
        for year in self.known_years:
            if runs and runs[-1][-1] == year - 1:
                runs[-1].append(year)
            else:
                runs.append([year])
        separator = pgettext("list separator", "、")
        return separator.join(
            str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs
        )

    @property
    def warning(self) -> str:
        """The sentence naming this year or next if the calendar lacks them ("" if not)."""
        missing = [
            year
            for year, known in [
                (self.current_year, self.current_year_known),
                (self.next_year, self.next_year_known),
            ]
            if not known
        ]
        return unknown_years_warning(missing)


def calendar_status(*, today: datetime.date | None = None) -> CalendarStatus:
    """The known years and whether the current and the next year are among them."""
    today = today or timezone.localdate()
    known = known_years()
    return CalendarStatus(
        known_years=known,
        current_year=today.year,
        current_year_known=today.year in known,
        next_year_known=today.year + 1 in known,
    )


@dataclass(frozen=True)
class Period:
    """A configured period: a number of days and how they are counted."""

    days: int
    unit: PeriodUnit

    def __str__(self) -> str:
        if self.unit == PeriodUnit.WORKING:
            return ngettext("%(days)s 个工作日", "%(days)s 个工作日", self.days) % {
                "days": self.days
            }
        return ngettext("%(days)s 日", "%(days)s 日", self.days) % {"days": self.days}

    def after(self, start: datetime.date, *, on: WorkingCalendar | None = None) -> Reckoning:
        """The day this period after ``start`` (``on`` a calendar already loaded, if given)."""
        if self.unit == PeriodUnit.CALENDAR:  # plain date arithmetic: no calendar to read
            return Reckoning(start + datetime.timedelta(days=self.days))
        return (on or working_calendar()).add_days(start, self.days, self.unit)

    def before(self, end: datetime.date, *, on: WorkingCalendar | None = None) -> Reckoning:
        """The day this period before ``end`` (a reminder's day before a deadline)."""
        if self.unit == PeriodUnit.CALENDAR:
            return Reckoning(end - datetime.timedelta(days=self.days))
        return (on or working_calendar()).add_days(end, -self.days, self.unit)


def _unit_of(name: str) -> PeriodUnit:
    try:
        unit_setting = PERIOD_UNIT_SETTINGS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name} is not a configurable period; expected one of {sorted(PERIOD_UNIT_SETTINGS)}"
        ) from None
    value = getattr(settings, unit_setting)
    if value not in PeriodUnit.values:
        raise ImproperlyConfigured(f"{unit_setting} must be 'calendar' or 'working', not {value!r}")
    return PeriodUnit(value)


def period(name: str) -> Period:
    """The period configured by the setting ``name`` and its unit setting, e.g.
    ``period("OBJECTION_PERIOD_DAYS")`` reads OBJECTION_PERIOD_DAYS and OBJECTION_PERIOD_UNIT."""
    return Period(int(getattr(settings, name)), _unit_of(name))


def periods(name: str) -> tuple[Period, ...]:
    """The periods of a setting holding a list of days, e.g.
    ``periods("REMINDER_DAYS_BEFORE")`` for the reminders' lead times, longest first."""
    unit = _unit_of(name)
    return tuple(Period(int(days), unit) for days in sorted(getattr(settings, name), reverse=True))
