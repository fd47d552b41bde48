"""The public entry page says when a deadline it shows falls in a year whose holidays the
calendar does not know (the year's rest days were assumed), in Chinese and in English."""

import datetime

import pytest
from django.urls import reverse

from core.services import calendar_year_enter
from tests.factories import ListedEntryFactory

pytestmark = pytest.mark.django_db

D = datetime.date
ASSUMED_2031 = "2031 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"


def page(client, entry, language="zh-hans"):
    return client.get(
        reverse("public:entry-detail", args=[entry.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()


def assumed_note(text):
    return f'<span class="deadline-moved deadline-assumed">{text}</span>'


def test_entry_page_says_the_year_of_its_deadlines_was_assumed(client):
    # Reckoned on the assumed 2031 calendar: National Day (1-3 October) then the weekend.
    entry = ListedEntryFactory(
        rectification_deadline=D(2031, 10, 6),
        rectification_deadline_moved_from=D(2031, 10, 1),
        rectification_deadline_holiday="国庆节",
        case__deadline=D(2031, 10, 6),
    )

    html = page(client, entry)

    assert html.count(assumed_note(ASSUMED_2031)) == 2  # printed and current deadline
    assert "原期限 2031-10-01 为国庆节假期，顺延至 2031-10-06" in html


def test_entry_page_names_only_the_deadline_in_the_unknown_year(client):
    entry = ListedEntryFactory(rectification_deadline=D(2026, 10, 8), case__deadline=D(2031, 3, 3))

    html = page(client, entry)

    assert html.count('class="deadline-moved deadline-assumed"') == 1
    assert f'<time datetime="2031-03-03">2031-03-03</time>{assumed_note(ASSUMED_2031)}' in html


def test_entry_page_says_nothing_once_the_year_is_entered(
    client, admin_user, django_capture_on_commit_callbacks
):
    entry = ListedEntryFactory(rectification_deadline=D(2031, 3, 3), case__deadline=D(2031, 3, 3))
    assert "deadline-assumed" in page(client, entry)  # and the page is in the public cache

    with django_capture_on_commit_callbacks(execute=True):
        calendar_year_enter(year=2031, days=[], actor=admin_user)

    assert "deadline-assumed" not in page(client, entry)


def test_entry_page_says_the_year_was_assumed_in_english(client):
    entry = ListedEntryFactory(rectification_deadline=D(2031, 3, 3), case__deadline=D(2009, 4, 30))

    html = page(client, entry, language="en")

    assert html.count("deadline-assumed") == 1
    assert (
        assumed_note(
            "The holiday schedule of 2031 has not been entered yet; only weekends and the "
            "fixed-date statutory holidays (New Year’s Day, Labour Day, National Day) are counted "
            "as rest days"
        )
        in html
    )
