"""Statistics: dispositions, districts, industries, years, on-time rate, overdue, accidents."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from public.selectors import change_percent, statistics
from publicity.enums import EntryStatus
from publicity.selectors import case_figures, published_entry_figures
from rectification.enums import CaseStatus
from rectification.models import Case
from registry.enums import Disposition
from registry.models import Industry, Jurisdiction
from tests.factories import AccidentFactory, EntryFactory, ListedEntryFactory

pytestmark = pytest.mark.django_db
PERIOD = {"start": datetime.date(2010, 1, 1), "end": datetime.date(2010, 6, 30)}


def by_key(rows):
    return {row["key"]: row["count"] for row in rows}


def test_statistics_counts_published_entries_by_disposition(exposure):
    ListedEntryFactory(disposition=Disposition.BANNED)
    EntryFactory(disposition=Disposition.BANNED)  # planned: not counted

    stats = statistics(**PERIOD)

    # Two listed and one removed entry of the fixture, plus one banned.
    assert stats["published_entries"] == 4
    assert by_key(stats["dispositions"]) == {
        "banned": 1,
        "suspended_for_overhaul": 0,
        "work_stopped": 0,
        "rectify_by_deadline": 3,
        "suspended": 0,
        "closed": 0,
    }
    huicheng = Jurisdiction.objects.get(code="441302")
    assert stats["districts"] == [{"key": huicheng.pk, "label": "惠城区", "count": 4}]
    recent = exposure.published.published_on.year
    assert stats["years"] == [
        {"key": 2009, "label": "2009", "count": 1},
        {"key": recent, "label": str(recent), "count": 3},
    ]


def test_statistics_on_time_rate_and_overdue():
    today = timezone.localdate()
    deadline = today - datetime.timedelta(days=5)
    ListedEntryFactory(  # finished before its deadline: on time
        case__status=CaseStatus.RECTIFIED,
        case__deadline=deadline,
        case__closed_on=deadline - datetime.timedelta(days=1),
    )
    ListedEntryFactory(  # finished after its deadline: late
        case__status=CaseStatus.CLOSURE_VERIFIED,
        case__deadline=deadline,
        case__closed_on=today,
    )
    ListedEntryFactory(case__deadline=deadline)  # active and overdue
    ListedEntryFactory(case__deadline=today + datetime.timedelta(days=3))  # active

    stats = statistics(**PERIOD)

    assert (stats["cases_finished"], stats["cases_on_time"]) == (2, 1)
    assert stats["on_time_rate"] == Decimal("50.0")
    assert (stats["cases_active"], stats["cases_overdue"]) == (2, 1)


def test_statistics_accidents_against_same_period_a_year_earlier():
    AccidentFactory(
        date=datetime.date(2010, 2, 1), deaths=3, injuries=1, direct_loss=Decimal("500000")
    )
    AccidentFactory(
        date=datetime.date(2010, 6, 30), deaths=1, injuries=2, direct_loss=Decimal("100000")
    )
    AccidentFactory(date=datetime.date(2010, 7, 1), deaths=5)  # outside the period
    AccidentFactory(
        date=datetime.date(2009, 3, 1), deaths=2, injuries=4, direct_loss=Decimal("200000")
    )

    rows = {row["key"]: row for row in statistics(**PERIOD)["accidents"]}

    assert {k: (r["current"], r["previous"], r["change"]) for k, r in rows.items()} == {
        "accidents": (2, 1, Decimal("100.0")),
        "deaths": (4, 2, Decimal("100.0")),
        "injuries": (3, 4, Decimal("-25.0")),
        "direct_loss": (Decimal("600000.00"), Decimal("200000.00"), Decimal("200.0")),
        "major": (1, 0, None),
    }


def test_change_percent_without_previous_is_none():
    assert change_percent(5, 0) is None
    assert change_percent(3, 4) == Decimal("-25.0")


def test_statistics_page_renders_tables_and_chart_data(client):
    ListedEntryFactory(disposition=Disposition.BANNED)
    AccidentFactory(date=datetime.date(2010, 2, 1), deaths=3)

    response = client.get(
        reverse("public:statistics"), {"start": "2010-01-01", "end": "2010-12-31"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["charts"]["dispositions"]["values"] == [1, 0, 0, 0, 0, 0]
    assert '<script id="chart-data" type="application/json">' in html
    assert "较大事故（死亡3人以上）" in html


def test_statistics_page_rejects_reversed_period(client):
    response = client.get(
        reverse("public:statistics"), {"start": "2010-12-31", "end": "2010-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["结束日期不能早于开始日期。"]}
    assert response.context["form"]["start"].value() == "2010-12-31"


def test_statistics_default_period_is_last_year_with_accidents(client):
    AccidentFactory(date=datetime.date(2010, 5, 1))

    response = client.get(reverse("public:statistics"))

    assert response.context["stats"]["period"] == {
        "start": datetime.date(2010, 1, 1),
        "end": datetime.date(2010, 12, 31),
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_statistics_page_groups_digits_of_money_and_counts(client, language):
    AccidentFactory(date=datetime.date(2010, 2, 1), direct_loss=Decimal("10936000"))
    AccidentFactory(date=datetime.date(2009, 2, 1), direct_loss=Decimal("1185200.5"))

    client.cookies["django_language"] = language
    html = client.get(
        reverse("public:statistics"), {"start": "2010-01-01", "end": "2010-12-31"}
    ).content.decode()

    flat = " ".join(html.split())
    assert '<td class="num">10,936,000.00</td><td class="num">1,185,200.50</td>' in flat
    assert "10936000" not in html


def test_statistics_accident_table_scrolls_in_a_labelled_focusable_region(client):
    AccidentFactory(date=datetime.date(2010, 2, 1))

    html = client.get(
        reverse("public:statistics"), {"start": "2010-01-01", "end": "2010-12-31"}
    ).content.decode()

    assert (
        '<div class="table-wrap" role="region" aria-label="事故统计表（可横向滚动）" '
        'aria-describedby="accidents-caption" tabindex="0">'
    ) in html
    assert '<p class="table-wrap__hint" aria-hidden="true">表格可左右滑动 →</p>' in html


def test_statistics_figures_are_the_tallies_and_equal_a_count_of_the_rows(
    django_assert_num_queries,
):
    """The statistics read the tallies the database keeps (migration 0021), never the
    entries: after entries of several districts, industries, dispositions and years, in
    every status, and cases finished on time, late and still open, the tallies equal a count
    of the rows, and reading them is the same few queries at one row and at many."""
    today = timezone.localdate()
    late = today - datetime.timedelta(days=9)
    industry = Industry.objects.get(code="fireworks")
    with django_assert_num_queries(4):
        figures, cases = published_entry_figures(), case_figures(today=today)
    assert figures == {"disposition": {}, "district_id": {}, "industry_id": {}, "year": {}}
    ListedEntryFactory(case__status=CaseStatus.RECTIFIED, case__deadline=late, case__closed_on=late)
    ListedEntryFactory(
        district=Jurisdiction.objects.get(code="441303"),
        industry=industry,
        disposition=Disposition.CLOSED,
        published_on=datetime.date(2010, 4, 1),
        case__status=CaseStatus.CLOSURE_VERIFIED,
        case__deadline=late,
        case__closed_on=today,
    )
    ListedEntryFactory(status=EntryStatus.REMOVED, case__deadline=late)
    ListedEntryFactory(
        status=EntryStatus.WITHDRAWN_BY_ERRATUM,
        industry=industry,
        case__deadline=today + datetime.timedelta(days=10),
    )
    EntryFactory(disposition=Disposition.BANNED)  # planned: in no figure

    with django_assert_num_queries(4):
        figures, cases = published_entry_figures(), case_figures(today=today)

    assert figures == published_entry_figures(counted=True)
    assert cases == case_figures(today=today, counted=True)
    assert figures["disposition"] == {"rectify_by_deadline": 3, "closed": 1}
    assert figures["industry_id"][industry.pk] == 2
    assert figures["year"] == {2009: 3, 2010: 1}
    assert cases == {"finished": 2, "on_time": 1, "active": 2, "overdue": 1}
    # A case moved by plain SQL moves its tally too: on time no longer.
    Case.objects.filter(status=CaseStatus.RECTIFIED).update(closed_on=today)
    assert case_figures(today=today) == case_figures(today=today, counted=True)
    assert case_figures(today=today)["on_time"] == 0
