"""The working-day calendar over real holiday stretches, as the State Council's notices (and the
chinese-calendar package, which migration core/0002 seeds from) have them:

- 2025 National Day and Mid-autumn: 10-01 to 10-08 off; Sunday 09-28 and Saturday 10-11 worked.
- 2026 New Year: 01-01 to 01-03 off; Sunday 01-04 worked.
- 2026 Spring Festival: 02-15 to 02-23 off; Saturdays 02-14 and 02-28 worked.
- 2026 Mid-autumn 09-25 to 09-27 and National Day 10-01 to 10-07 off; Sunday 09-20 and
  Saturday 10-10 worked.

Years from 2030 on stand for years the calendar does not know (the package knows up to 2026).
"""

import datetime
import uuid

import pytest
import time_machine
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation

from core import calendar
from core.calendar import CalendarStatus, Deadline, Period, Reckoning
from core.calendar_package import SpecialDay
from core.enums import CalendarDayKind, PeriodUnit
from core.models import CalendarDay, CalendarYear
from core.services import CalendarError, calendar_year_enter, calendar_year_revise

pytestmark = pytest.mark.django_db

D = datetime.date
HOLIDAY = CalendarDayKind.HOLIDAY
ADJUSTED = CalendarDayKind.ADJUSTED_WORKING_DAY


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 9, 28), True),  # Sunday, worked for National Day
        (D(2025, 10, 1), False),
        (D(2025, 10, 6), False),  # Monday, Mid-autumn inside the National Day stretch
        (D(2025, 10, 8), False),  # Wednesday, last day off
        (D(2025, 10, 9), True),
        (D(2025, 10, 11), True),  # Saturday, worked
        (D(2025, 10, 12), False),  # an ordinary Sunday
        (D(2026, 1, 3), False),  # Saturday inside New Year
        (D(2026, 1, 4), True),  # Sunday, worked for New Year
        (D(2026, 2, 13), True),  # Friday before Spring Festival
        (D(2026, 2, 14), True),  # Saturday, worked
        (D(2026, 2, 16), False),  # Monday, Spring Festival
        (D(2026, 2, 23), False),  # Monday, last day off
        (D(2026, 2, 24), True),
        (D(2026, 2, 28), True),  # Saturday, worked
        (D(2026, 9, 20), True),  # Sunday, worked for National Day
        (D(2026, 9, 25), False),  # Friday, Mid-autumn
        (D(2026, 10, 7), False),
        (D(2026, 10, 10), True),  # Saturday, worked
        (D(2026, 3, 4), True),  # an ordinary Wednesday
        (D(2026, 3, 7), False),  # an ordinary Saturday
    ],
)
def test_is_working_day_follows_the_notice(day, working):
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 10, 1), calendar.DayInfo(D(2026, 10, 1), False, HOLIDAY, "国庆节", True)),
        (D(2025, 10, 6), calendar.DayInfo(D(2025, 10, 6), False, HOLIDAY, "中秋节", True)),
        (D(2026, 1, 4), calendar.DayInfo(D(2026, 1, 4), True, ADJUSTED, "元旦", True)),
        (D(2026, 3, 7), calendar.DayInfo(D(2026, 3, 7), False, None, "", True)),
        # Not known: weekends and the fixed-date statutory holidays, and the answer says so.
        (D(2031, 1, 1), calendar.DayInfo(D(2031, 1, 1), False, HOLIDAY, "元旦", False)),
        (D(2031, 1, 2), calendar.DayInfo(D(2031, 1, 2), True, None, "", False)),
    ],
)
def test_day_info_names_the_holiday(day, expected):
    assert calendar.day_info(day) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 2, 13), D(2026, 2, 13)),  # a working day is its own next working day
        (D(2026, 2, 15), D(2026, 2, 24)),
        (D(2026, 10, 1), D(2026, 10, 8)),
        (D(2026, 10, 10), D(2026, 10, 10)),
        (D(2025, 10, 4), D(2025, 10, 9)),
    ],
)
def test_next_working_day_skips_the_holiday_stretch(day, expected):
    assert calendar.next_working_day(day) == Reckoning(expected)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday + 1: the worked Saturday
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # then over the whole Spring Festival
        (D(2026, 2, 12), 5, D(2026, 2, 26)),
        (D(2026, 2, 10), 5, D(2026, 2, 24)),
        (D(2026, 2, 15), 1, D(2026, 2, 24)),  # counted from inside the holiday
        (D(2026, 2, 27), 1, D(2026, 2, 28)),  # Friday + 1: the worked Saturday
        (D(2026, 2, 24), -1, D(2026, 2, 14)),  # backwards over the holiday
        (D(2026, 2, 24), -2, D(2026, 2, 13)),
        (D(2026, 2, 24), 0, D(2026, 2, 24)),
        (D(2025, 12, 31), 1, D(2026, 1, 4)),  # over New Year into the worked Sunday
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 9, 26), 1, D(2025, 9, 28)),  # Friday + 1: the worked Sunday
        (D(2026, 9, 28), 5, D(2026, 10, 10)),  # 9-29, 9-30, 10-08, 10-09, Saturday 10-10
    ],
)
def test_add_working_days_over_real_holidays(start, n, expected):
    assert calendar.add_working_days(start, n) == Reckoning(expected)


@pytest.mark.parametrize(
    ("start", "n", "unit", "expected"),
    [
        (D(2026, 9, 16), 15, "calendar", D(2026, 10, 1)),  # calendar days land on National Day
        # 9-17, 9-18, Sunday 9-20 (worked), 9-21 to 9-24, 9-28 to 9-30, 10-08, 10-09,
        # Saturday 10-10 (worked), 10-12, 10-13.
        (D(2026, 9, 16), 15, "working", D(2026, 10, 13)),
        (D(2026, 10, 9), -7, PeriodUnit.CALENDAR, D(2026, 10, 2)),
        (D(2026, 10, 9), -3, PeriodUnit.WORKING, D(2026, 9, 29)),
    ],
)
def test_add_days_counts_in_the_unit_asked(start, n, unit, expected):
    assert calendar.add_days(start, n, unit) == Reckoning(expected)


def test_add_days_refuses_an_unknown_unit():
    with pytest.raises(ValueError, match="unknown unit of days 'weeks'"):
        calendar.add_days(D(2026, 3, 2), 1, "weeks")


@pytest.mark.parametrize(
    ("day", "expected", "reason"),
    [
        (D(2026, 10, 1), D(2026, 10, 8), "原期限 2026-10-01 为国庆节假期，顺延至 2026-10-08"),
        (D(2026, 10, 7), D(2026, 10, 8), "原期限 2026-10-07 为国庆节假期，顺延至 2026-10-08"),
        (D(2026, 9, 25), D(2026, 9, 28), "原期限 2026-09-25 为中秋节假期，顺延至 2026-09-28"),
        (D(2025, 10, 1), D(2025, 10, 9), "原期限 2025-10-01 为国庆节假期，顺延至 2025-10-09"),
        (D(2025, 10, 6), D(2025, 10, 9), "原期限 2025-10-06 为中秋节假期，顺延至 2025-10-09"),
        (D(2026, 2, 15), D(2026, 2, 24), "原期限 2026-02-15 为春节假期，顺延至 2026-02-24"),
        (D(2026, 3, 7), D(2026, 3, 9), "原期限 2026-03-07 为星期六，顺延至 2026-03-09"),
        (D(2025, 10, 12), D(2025, 10, 13), "原期限 2025-10-12 为星期日，顺延至 2025-10-13"),
        # Working days stay: an ordinary one and the worked weekend days.
        (D(2026, 10, 9), D(2026, 10, 9), ""),
        (D(2026, 10, 10), D(2026, 10, 10), ""),
        (D(2025, 9, 28), D(2025, 9, 28), ""),
        (D(2026, 2, 14), D(2026, 2, 14), ""),
    ],
)
def test_deadline_on_working_day_moves_off_a_rest_day(day, expected, reason):
    deadline = calendar.deadline_on_working_day(day)

    assert (deadline.original, deadline.day, deadline.moved, deadline.reason) == (
        day,
        expected,
        expected != day,
        reason,
    )
    assert (deadline.calendar_known, deadline.warning) == (True, "")


def test_deadline_after_a_banning_finding_of_2026_09_16_moves_off_national_day():
    # 依法取缔: 15 calendar days from the finding end on 2026-10-01.
    deadline = calendar.deadline_after(D(2026, 9, 16), 15, PeriodUnit.CALENDAR)

    assert deadline == Deadline(day=D(2026, 10, 8), original=D(2026, 10, 1), holiday_name="国庆节")
    assert deadline.reason == "原期限 2026-10-01 为国庆节假期，顺延至 2026-10-08"


@time_machine.travel(datetime.datetime(2026, 9, 16, 10, tzinfo=datetime.UTC), tick=False)
def test_deadline_after_today_under_a_frozen_clock():
    deadline = calendar.deadline_after(timezone.localdate(), 15, "calendar")

    assert (deadline.original, deadline.day) == (D(2026, 10, 1), D(2026, 10, 8))


def test_deadline_reason_is_translated_when_read():
    deadline = calendar.deadline_on_working_day(D(2026, 10, 1))

    with translation.override("en"):
        english = deadline.reason

    assert english == (
        "The deadline 2026-10-01 falls in the National Day holiday; "
        "it moves to the next working day, 2026-10-08"
    )


# --- A year the calendar does not know --------------------------------------------------------


def test_unknown_year_counts_weekends_only_and_says_so():
    deadline = calendar.deadline_on_working_day(D(2031, 1, 4))  # a Saturday

    assert deadline == Deadline(day=D(2031, 1, 6), original=D(2031, 1, 4), unknown_years=(2031,))
    assert deadline.calendar_known is False
    assert deadline.reason == "原期限 2031-01-04 为星期六，顺延至 2031-01-06"
    assert (
        deadline.warning
        == "2031 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"
    )


def test_unknown_year_working_day_is_flagged_even_when_it_stays():
    # 2031-01-02 is a Thursday: a working day as far as the calendar can tell.
    deadline = calendar.deadline_on_working_day(D(2031, 1, 2))

    assert (deadline.day, deadline.moved, deadline.calendar_known) == (D(2031, 1, 2), False, False)
    assert calendar.year_is_known(2031) is False


@pytest.mark.parametrize(
    ("day", "working", "name"),
    [
        (D(2031, 1, 1), False, "元旦"),  # a Wednesday
        (D(2031, 5, 1), False, "劳动节"),  # a Thursday
        (D(2031, 5, 2), False, "劳动节"),  # a Friday: the second day, by law from 2025
        (D(2031, 10, 1), False, "国庆节"),  # Wednesday to Friday
        (D(2031, 10, 2), False, "国庆节"),
        (D(2031, 10, 3), False, "国庆节"),
        (D(2031, 10, 6), True, ""),  # the Monday after: the notice may add days, unknown
        (D(2031, 4, 30), True, ""),
        (D(2031, 12, 31), True, ""),
    ],
)
def test_unknown_year_keeps_the_fixed_date_statutory_holidays(day, working, name):
    info = calendar.day_info(day)

    assert (info.working, info.display_name, info.calendar_known) == (working, name, False)
    assert calendar.is_working_day(day) is working


def test_fixed_holidays_before_2025_have_one_day_of_labour_day():
    assert (calendar.fixed_holiday(D(2024, 5, 1)), calendar.fixed_holiday(D(2024, 5, 2))) == (
        "劳动节",
        "",
    )


def test_unknown_year_deadline_on_a_fixed_holiday_moves_and_says_why():
    # 2031-10-01 is a Wednesday: 1-3 October off, then the weekend, Monday 10-06.
    deadline = calendar.deadline_on_working_day(D(2031, 10, 1))

    assert deadline == Deadline(
        day=D(2031, 10, 6), original=D(2031, 10, 1), holiday_name="国庆节", unknown_years=(2031,)
    )
    assert deadline.reason == "原期限 2031-10-01 为国庆节假期，顺延至 2031-10-06"
    assert deadline.warning == (
        "2031 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"
    )


def test_unknown_year_working_days_skip_the_fixed_holidays():
    # From Tuesday 2031-04-29: 04-30, then 05-01 and 05-02 off, the weekend, 05-05.
    assert calendar.add_working_days(D(2031, 4, 29), 2) == Reckoning(
        D(2031, 5, 5), unknown_years=(2031,)
    )


def test_add_working_days_into_an_unknown_year_names_it(admin_user):
    calendar_year_enter(
        year=2030,
        days=[SpecialDay(D(2030, 12, 31), HOLIDAY, "元旦")],
        actor=admin_user,
    )

    # 2030-12-30 is a Monday; 12-31 is off; 2031-01-01 (Wednesday) is New Year's Day, off
    # whatever the notice for 2031 will say; 01-02 and 01-03 count as worked.
    reckoned = calendar.add_working_days(D(2030, 12, 30), 2)

    assert reckoned == Reckoning(D(2031, 1, 3), unknown_years=(2031,))
    assert (
        reckoned.warning
        == "2031 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"
    )


def test_add_working_days_over_two_unknown_years_names_both():
    # The start itself is not counted: from Tuesday 2031-12-30, 2031-12-31 is the first day.
    reckoned = calendar.add_working_days(D(2031, 12, 30), 260)

    assert reckoned.unknown_years == (2031, 2032)
    assert (
        reckoned.warning
        == "2031、2032 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"
    )


def test_add_calendar_days_needs_no_year_known():
    assert calendar.add_days(D(2031, 1, 1), 3, "calendar") == Reckoning(D(2031, 1, 4))


# --- Entered years, edits, and the process's copy ---------------------------------------------


def test_calendar_year_enter_takes_effect_at_once(admin_user):
    # Thursday 2031-01-02: worked as far as a calendar without the year's notice can tell.
    assert calendar.is_working_day(D(2031, 1, 2)) is True

    calendar_year_enter(
        year=2031,
        days=[
            SpecialDay(D(2031, 1, 1), HOLIDAY, "元旦"),
            SpecialDay(D(2031, 1, 2), HOLIDAY, "元旦"),
            SpecialDay(D(2031, 1, 4), ADJUSTED, "元旦"),
        ],
        actor=admin_user,
        notice="国办发明电〔2030〕5号",
    )

    deadline = calendar.deadline_on_working_day(D(2031, 1, 1))
    assert deadline == Deadline(day=D(2031, 1, 3), original=D(2031, 1, 1), holiday_name="元旦")
    assert deadline.reason == "原期限 2031-01-01 为元旦假期，顺延至 2031-01-03"
    assert calendar.is_working_day(D(2031, 1, 4)) is True
    assert calendar.year_is_known(2031) is True


def test_calendar_sees_another_process_edit_at_the_next_call():
    assert calendar.is_working_day(D(2026, 10, 8)) is True
    # What another process's service leaves in the database: the day, and a new revision.
    year = CalendarYear.objects.get(year=2026)
    CalendarDay.objects.create(calendar_year=year, date=D(2026, 10, 8), kind=HOLIDAY, name="国庆节")
    CalendarYear.objects.filter(pk=year.pk).update(revision=uuid.uuid4())

    assert calendar.is_working_day(D(2026, 10, 8)) is False
    assert calendar.deadline_on_working_day(D(2026, 10, 1)).day == D(2026, 10, 9)


def test_calendar_forgets_a_deleted_year():
    calendar.known_years()  # loaded with 2004
    CalendarYear.objects.filter(year=2004).delete()

    assert calendar.known_years()[0] == 2005
    assert calendar.year_is_known(2004) is False


def test_known_years_are_the_package_years():
    assert calendar.known_years() == tuple(range(2004, 2027))


# --- Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 60, -60])
def test_add_working_days_costs_one_query_however_far(django_assert_num_queries, n):
    calendar.known_years()  # this process has the calendar

    # Only the revisions are read: no query per day or per year crossed.
    with django_assert_num_queries(1):
        calendar.add_working_days(D(2025, 12, 1), n)


@pytest.mark.parametrize("n", [1, 60])
def test_add_working_days_after_an_edit_costs_two_queries(django_assert_num_queries, admin_user, n):
    calendar.known_years()
    calendar_year_revise(calendar_year=CalendarYear.objects.get(year=2026), actor=admin_user)

    # The revisions, then the changed year's days: the same for 1 day as for 60.
    with django_assert_num_queries(2):
        calendar.add_working_days(D(2025, 12, 1), n)


def test_working_calendar_answers_a_loop_without_queries(django_assert_num_queries):
    loaded = calendar.working_calendar()
    start = D(2025, 1, 1)

    with django_assert_num_queries(0):
        working = [loaded.is_working_day(start + datetime.timedelta(days=i)) for i in range(730)]
        deadlines = [
            loaded.deadline_on_working_day(start + datetime.timedelta(days=i)) for i in range(730)
        ]

    # 248 working days in each year, as the package's own is_workday counts them.
    assert (working[:365].count(True), working[365:].count(True)) == (248, 248)
    assert len(deadlines) == 730


# --- Status for the dashboard -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "current_known", "next_known", "warning"),
    [
        (D(2025, 6, 1), True, True, ""),
        (
            D(2030, 6, 1),
            False,
            False,
            "2030、2031 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算",
        ),
    ],
)
def test_calendar_status_says_whether_this_year_and_next_are_known(
    today, current_known, next_known, warning
):
    status = calendar.calendar_status(today=today)

    assert (status.current_year, status.next_year) == (today.year, today.year + 1)
    assert (status.current_year_known, status.next_year_known) == (current_known, next_known)
    assert status.warning == warning
    assert status.known_ranges == "2004–2026"


@time_machine.travel(datetime.datetime(2031, 3, 1, 9, tzinfo=datetime.UTC), tick=False)
def test_calendar_status_reads_today_from_the_clock(admin_user):
    calendar_year_enter(year=2031, days=[], actor=admin_user)
    calendar_year_enter(year=2033, days=[], actor=admin_user)

    assert calendar.calendar_status() == CalendarStatus(
        known_years=(*range(2004, 2027), 2031, 2033),
        current_year=2031,
        current_year_known=True,
        next_year_known=False,
    )
    assert calendar.calendar_status().known_ranges == "2004–2026、2031、2033"
    assert (
        calendar.calendar_status().warning
        == "2032 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"
    )


# --- Configured periods -----------------------------------------------------------------------


def test_period_reads_the_number_and_its_unit(settings):
    settings.OBJECTION_PERIOD_DAYS = 5
    settings.OBJECTION_PERIOD_UNIT = "working"

    objection = calendar.period("OBJECTION_PERIOD_DAYS")

    assert objection == Period(5, PeriodUnit.WORKING)
    assert str(objection) == "5 个工作日"
    # A batch approved on Monday 2026-09-28: the units may object until Saturday 10-10 (worked).
    assert objection.after(D(2026, 9, 28)) == Reckoning(D(2026, 10, 10))


def test_periods_reads_a_list_longest_first(settings):
    settings.REMINDER_DAYS_BEFORE = [1, 7, 3]
    settings.REMINDER_DAYS_BEFORE_UNIT = "working"

    leads = calendar.periods("REMINDER_DAYS_BEFORE")

    assert leads == (
        Period(7, PeriodUnit.WORKING),
        Period(3, PeriodUnit.WORKING),
        Period(1, PeriodUnit.WORKING),
    )
    # Back from Friday 2026-10-09 over National Day and Mid-autumn (9-25 to 9-27).
    assert [lead.before(D(2026, 10, 9)).day for lead in leads] == [
        D(2026, 9, 22),
        D(2026, 9, 29),
        D(2026, 10, 8),
    ]


def test_period_counts_calendar_days(settings):
    settings.ESCALATE_AFTER_OVERDUE_DAYS = 14
    settings.ESCALATE_AFTER_OVERDUE_UNIT = "calendar"

    escalation = calendar.period("ESCALATE_AFTER_OVERDUE_DAYS")

    assert (escalation, str(escalation)) == (Period(14, PeriodUnit.CALENDAR), "14 日")
    assert escalation.after(D(2026, 9, 24)) == Reckoning(D(2026, 10, 8))


def test_period_refuses_a_mistyped_unit(settings):
    settings.OBJECTION_PERIOD_UNIT = "workdays"

    with pytest.raises(ImproperlyConfigured, match="OBJECTION_PERIOD_UNIT must be"):
        calendar.period("OBJECTION_PERIOD_DAYS")
    assert [message.id for message in run_checks() if message.id.startswith("core.")] == [
        "core.E001"
    ]


def test_period_refuses_a_setting_that_is_no_period():
    with pytest.raises(ImproperlyConfigured, match="PUBLICITY_TERM_DAYS is not a configurable"):
        calendar.period("PUBLICITY_TERM_DAYS")


def test_period_units_default_to_working_days_for_objections_only():
    units = (
        calendar.period("OBJECTION_PERIOD_DAYS").unit,
        calendar.periods("REMINDER_DAYS_BEFORE")[0].unit,
        calendar.period("ESCALATE_AFTER_OVERDUE_DAYS").unit,
    )

    assert units == (PeriodUnit.WORKING, PeriodUnit.CALENDAR, PeriodUnit.CALENDAR)


def test_calendar_year_enter_refuses_a_year_already_entered(admin_user):
    with pytest.raises(CalendarError, match="2026 年的节假日安排已经录入"):
        calendar_year_enter(year=2026, days=[], actor=admin_user)


def test_calendar_year_enter_refuses_a_day_outside_the_year(admin_user):
    with pytest.raises(CalendarError, match="2030-12-31 不在 2031 年内"):
        calendar_year_enter(
            year=2031, days=[SpecialDay(D(2030, 12, 31), HOLIDAY, "元旦")], actor=admin_user
        )
    assert calendar.year_is_known(2031) is False
