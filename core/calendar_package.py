"""The holiday schedules the ``chinese-calendar`` package ships, as plain data.

The package is the seed of the working-day calendar (migration core/0002 and the
``calendar_seed`` command); after seeding, the database is the calendar, so a year the package
does not know yet can be entered by an administrator.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import chinese_calendar

from core.enums import CalendarDayKind

# The package abbreviates three names; the State Council's notices use the full ones.
_FULL_NAMES = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


@dataclass(frozen=True)
class SpecialDay:
    date: datetime.date
    kind: CalendarDayKind
    name: str


def package_version() -> str:
    return str(chinese_calendar.__version__)


def package_schedule() -> dict[int, list[SpecialDay]]:
    """Every special day the package knows, by calendar year, in date order.

    A holiday stretch that crosses New Year (2007-12-30 to 2008-01-01) is split by the years
    its dates fall in, so each year holds exactly the dates inside it.
    """
    schedule: dict[int, list[SpecialDay]] = {}
    sources = [
        (chinese_calendar.holidays, CalendarDayKind.HOLIDAY),
        (chinese_calendar.workdays, CalendarDayKind.ADJUSTED_WORKING_DAY),
    ]
    for days, kind in sources:
        for date, english in days.items():
            chinese = chinese_calendar.Holiday(english).chinese
            name = _FULL_NAMES.get(chinese, chinese)
            schedule.setdefault(date.year, []).append(SpecialDay(date, kind, name))
    for year_days in schedule.values():
        year_days.sort(key=lambda day: day.date)
    return dict(sorted(schedule.items()))
