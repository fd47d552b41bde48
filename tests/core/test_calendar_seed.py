"""Seeding the working-day calendar from the chinese-calendar package: the data migration and
the ``calendar_seed`` command, which never overwrites a year an administrator entered."""

import datetime
import io

import pytest
from django.core.management import call_command

from core import calendar
from core.calendar_package import SpecialDay, package_schedule, package_version
from core.enums import CalendarDayKind, CalendarSource
from core.models import CalendarDay, CalendarYear
from core.services import calendar_year_enter, calendar_year_revise

pytestmark = pytest.mark.django_db

D = datetime.date
HOLIDAY = CalendarDayKind.HOLIDAY
ADJUSTED = CalendarDayKind.ADJUSTED_WORKING_DAY


def stored(year):
    return list(
        CalendarDay.objects.filter(calendar_year__year=year)
        .order_by("date")
        .values_list("date", "kind", "name")
    )


def packaged(year):
    return [(day.date, day.kind.value, day.name) for day in package_schedule()[year]]


def seed(*args):
    out = io.StringIO()
    call_command("calendar_seed", *args, stdout=out)
    return out.getvalue()


def test_migration_seeded_every_year_the_package_knows():
    years = CalendarYear.objects.order_by("year")

    assert list(years.values_list("year", "source", "package_version")) == [
        (year, CalendarSource.PACKAGE, package_version()) for year in range(2004, 2027)
    ]
    assert all(stored(year) == packaged(year) for year in range(2004, 2027))


def test_migration_seeded_the_2026_spring_festival_as_notified():
    spring = [row for row in stored(2026) if row[2] == "春节"]

    assert spring == [
        (D(2026, 2, 14), ADJUSTED, "春节"),
        *[(D(2026, 2, day), HOLIDAY, "春节") for day in range(15, 24)],
        (D(2026, 2, 28), ADJUSTED, "春节"),
    ]


def test_package_schedule_splits_a_stretch_across_new_year():
    # The 2008 New Year holiday ran from 2007-12-30 to 2008-01-01, Saturday 2007-12-29 worked.
    schedule = package_schedule()

    assert schedule[2007][-3:] == [
        SpecialDay(D(2007, 12, 29), ADJUSTED, "元旦"),
        SpecialDay(D(2007, 12, 30), HOLIDAY, "元旦"),
        SpecialDay(D(2007, 12, 31), HOLIDAY, "元旦"),
    ]
    assert schedule[2008][0] == SpecialDay(D(2008, 1, 1), HOLIDAY, "元旦")


def test_calendar_seed_adds_nothing_to_a_seeded_database():
    assert seed() == (
        f"chinese-calendar {package_version()}\n"
        "Added: none\n"
        "Kept as entered by an administrator: none\n"
    )


def test_calendar_seed_adds_a_year_the_database_lacks():
    CalendarYear.objects.filter(year=2025).delete()
    assert calendar.year_is_known(2025) is False

    output = seed()

    assert output.splitlines()[1] == "Added: 2025"
    assert stored(2025) == packaged(2025)
    assert calendar.deadline_on_working_day(D(2025, 10, 1)).day == D(2025, 10, 9)


def test_calendar_seed_never_overwrites_an_entered_year(admin_user):
    # The administrator entered 2025 themselves, without the Mid-autumn day.
    CalendarYear.objects.filter(year=2025).delete()
    days = [
        SpecialDay(day.date, day.kind, day.name)
        for day in package_schedule()[2025]
        if day.date != D(2025, 10, 6)
    ]
    calendar_year_enter(year=2025, days=days, actor=admin_user, notice="国办发明电〔2024〕12号")

    output = seed("--refresh")

    assert output.splitlines()[1:] == [
        "Added: none",
        "Refreshed: none",
        "Kept as entered by an administrator: 2025",
    ]
    entered = CalendarYear.objects.get(year=2025)
    assert (entered.source, entered.notice, entered.entered_by) == (
        CalendarSource.ADMINISTRATOR,
        "国办发明电〔2024〕12号",
        admin_user,
    )
    assert D(2025, 10, 6) not in [row[0] for row in stored(2025)]
    assert calendar.is_working_day(D(2025, 10, 6)) is True


def test_calendar_seed_never_overwrites_a_seeded_year_an_administrator_changed(admin_user):
    year = CalendarYear.objects.get(year=2026)
    year.days.filter(date=D(2026, 10, 7)).delete()
    calendar_year_revise(calendar_year=year, actor=admin_user)

    seed("--refresh")

    assert CalendarYear.objects.get(year=2026).source == CalendarSource.ADMINISTRATOR
    assert len(stored(2026)) == len(packaged(2026)) - 1


def test_calendar_seed_refresh_replaces_a_year_an_older_package_had_wrong():
    old = CalendarYear.objects.get(year=2020)
    old.days.filter(name="春节", date__gte=D(2020, 1, 31)).delete()  # before the extension
    CalendarYear.objects.filter(pk=old.pk).update(package_version="1.5.0")
    revision = old.revision

    assert seed().splitlines()[1] == "Added: none"  # without --refresh: left as it is
    output = seed("--refresh")

    assert output.splitlines()[2] == "Refreshed: 2020"
    refreshed = CalendarYear.objects.get(year=2020)
    assert (refreshed.package_version, refreshed.revision != revision) == (package_version(), True)
    assert stored(2020) == packaged(2020)
    assert calendar.is_working_day(D(2020, 2, 1)) is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "second"])
def test_calendar_is_seeded_for_every_transactional_test(run):
    # A transactional test ends by emptying every table; tests/conftest.py seeds it again,
    # so the second run finds the calendar as the first did.
    assert calendar.known_years() == tuple(range(2004, 2027))
    assert calendar.deadline_on_working_day(D(2026, 10, 1)).day == D(2026, 10, 8)
