"""Entering a year of the calendar in the admin, as an administrator does when the State
Council publishes its notice (docs/operations.md)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import calendar
from core.enums import CalendarSource
from core.models import CalendarYear

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", password="root-pass")


@pytest.fixture
def admin_client(client, root):
    client.force_login(root)
    return client


def new_year_form(*days, year="2031"):
    data = {
        "year": year,
        "notice": "国办发明电〔2030〕5号",
        "notice_date": "2030-11-12",
        "days-TOTAL_FORMS": str(len(days)),
        "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    for i, (date, kind, name) in enumerate(days):
        data |= {f"days-{i}-date": date, f"days-{i}-kind": kind, f"days-{i}-name": name}
    return data


def change_form(calendar_year, *, extra=()):
    """The change page's form for ``calendar_year`` as it stands, plus ``extra`` new days."""
    days = list(calendar_year.days.order_by("date"))
    data = {
        "notice": calendar_year.notice,
        "notice_date": "",
        "days-TOTAL_FORMS": str(len(days) + len(extra)),
        "days-INITIAL_FORMS": str(len(days)),
        "days-MIN_NUM_FORMS": "0",
        "days-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    for i, day in enumerate(days):
        data |= {
            f"days-{i}-id": str(day.pk),
            f"days-{i}-calendar_year": str(calendar_year.pk),
            f"days-{i}-date": day.date.isoformat(),
            f"days-{i}-kind": day.kind,
            f"days-{i}-name": day.name,
        }
    for i, (date, kind, name) in enumerate(extra, start=len(days)):
        data |= {f"days-{i}-date": date, f"days-{i}-kind": kind, f"days-{i}-name": name}
    return data


ADD_URL = reverse("admin:core_calendaryear_add")


def test_calendar_admin_enters_a_new_year_that_takes_effect(admin_client, root):
    assert calendar.year_is_known(2031) is False

    response = admin_client.post(
        ADD_URL,
        new_year_form(
            ("2031-01-01", "holiday", "元旦"),
            ("2031-01-04", "adjusted_working_day", "元旦"),
        ),
    )

    assert response.status_code == 302
    entered = CalendarYear.objects.get(year=2031)
    assert (entered.source, entered.notice, entered.notice_date, entered.entered_by) == (
        CalendarSource.ADMINISTRATOR,
        "国办发明电〔2030〕5号",
        D(2030, 11, 12),
        root,
    )
    deadline = calendar.deadline_on_working_day(D(2031, 1, 1))
    assert (deadline.day, deadline.reason, deadline.calendar_known) == (
        D(2031, 1, 2),
        "原期限 2031-01-01 为元旦假期，顺延至 2031-01-02",
        True,
    )
    assert calendar.is_working_day(D(2031, 1, 4)) is True


def test_calendar_admin_refuses_a_holiday_outside_the_year(admin_client):
    response = admin_client.post(ADD_URL, new_year_form(("2030-12-31", "holiday", "元旦")))

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"date": ["2030-12-31 不在 2031 年内。"]}
    ]
    assert CalendarYear.objects.filter(year=2031).exists() is False


def test_calendar_admin_refuses_an_adjusted_working_day_on_a_weekday(admin_client):
    response = admin_client.post(
        ADD_URL, new_year_form(("2031-01-06", "adjusted_working_day", "元旦"))
    )

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.errors == [
        {"kind": ["调休上班日只能是星期六或星期日：2031-01-06 本来就是工作日。"]}
    ]
    assert CalendarYear.objects.filter(year=2031).exists() is False


def test_calendar_admin_refuses_a_year_already_entered(admin_client):
    response = admin_client.post(ADD_URL, new_year_form(year="2026"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "year": ["具有 年份 的 节假日安排 已存在。"]
    }


def test_calendar_admin_change_of_a_seeded_year_makes_it_the_administrators(admin_client, root):
    year = CalendarYear.objects.get(year=2026)

    response = admin_client.post(
        reverse("admin:core_calendaryear_change", args=[year.pk]),
        change_form(year, extra=[("2026-10-08", "holiday", "国庆节")]),
    )

    assert response.status_code == 302
    year.refresh_from_db()
    assert (year.source, year.package_version, year.entered_by) == (
        CalendarSource.ADMINISTRATOR,
        "",
        root,
    )
    assert calendar.deadline_on_working_day(D(2026, 10, 1)).day == D(2026, 10, 9)


def test_calendar_admin_saving_a_seeded_year_unchanged_keeps_it_the_packages(admin_client):
    year = CalendarYear.objects.get(year=2026)

    response = admin_client.post(
        reverse("admin:core_calendaryear_change", args=[year.pk]), change_form(year)
    )

    assert response.status_code == 302
    unchanged = CalendarYear.objects.get(year=2026)
    assert (unchanged.source, unchanged.revision) == (CalendarSource.PACKAGE, year.revision)


def test_calendar_admin_lists_the_years_with_their_counts(admin_client):
    response = admin_client.get(reverse("admin:core_calendaryear_changelist"))

    rows = {row.year: (row.holidays, row.adjusted) for row in response.context["cl"].result_list}
    assert response.status_code == 200
    assert rows[2026] == (33, 6)
    assert len(rows) == 23


def test_calendar_admin_list_costs_the_same_queries_for_one_year_and_for_three(admin_client):
    changelist = reverse("admin:core_calendaryear_changelist")
    admin_client.get(changelist)  # the session and the admin's own first reads

    def queries_for(years):
        CalendarYear.objects.exclude(year__in=years).delete()
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(changelist).status_code == 200
        return len(captured)

    assert queries_for([2024, 2025, 2026]) == queries_for([2026])


def test_calendar_admin_add_page_offers_rows_for_a_whole_notice(admin_client):
    response = admin_client.get(ADD_URL)

    formset = response.context["inline_admin_formsets"][0].formset
    assert (response.status_code, formset.total_form_count()) == (200, 40)


def test_calendar_admin_change_page_shows_the_years_days(admin_client):
    year = CalendarYear.objects.get(year=2026)

    response = admin_client.get(reverse("admin:core_calendaryear_change", args=[year.pk]))

    formset = response.context["inline_admin_formsets"][0].formset
    assert (response.status_code, formset.total_form_count()) == (200, 39)
    assert response.context["adminform"].form.fields.get("year") is None  # read-only here
