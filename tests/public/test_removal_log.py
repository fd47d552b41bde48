"""The public removal log: entries that left the list, when and why, latest first."""

import datetime

import pytest
from django.urls import reverse

from publicity.enums import EntryStatus
from tests.factories import ListedEntryFactory

pytestmark = pytest.mark.django_db


def removed(on: datetime.date, reason: str, name: str):
    return ListedEntryFactory(
        status=EntryStatus.REMOVED, removed_on=on, removal_reason=reason, unit_name=name
    )


def test_removal_log_lists_removed_entries_with_date_and_reason(client):
    removed(datetime.date(2012, 1, 5), "公示期满", "惠城区甲五金厂")
    removed(datetime.date(2012, 3, 9), "整改核实后提前移出：已整改", "惠城区乙五金厂")
    ListedEntryFactory(unit_name="惠城区丙五金厂")  # still listed: not in the log

    response = client.get(reverse("public:removal-log"))

    assert response.status_code == 200
    assert [e.unit_name for e in response.context["page"].rows] == [
        "惠城区乙五金厂",
        "惠城区甲五金厂",
    ]
    html = response.content.decode()
    assert "整改核实后提前移出：已整改" in html
    assert "2012-03-09" in html


def test_removal_log_pages_by_keyset(client, settings):
    settings.PUBLIC_LIST_PAGE_SIZE = 2
    for day in range(1, 4):
        removed(datetime.date(2012, 1, day), "公示期满", f"单位{day}")

    first = client.get(reverse("public:removal-log"))
    second = client.get(reverse("public:removal-log") + first.context["next_url"])

    assert [e.unit_name for e in first.context["page"].rows] == ["单位3", "单位2"]
    assert [e.unit_name for e in second.context["page"].rows] == ["单位1"]
    assert second.context["next_url"] is None


@pytest.mark.parametrize("rows", [1, 3])
def test_removal_log_query_count_is_constant(client, django_assert_num_queries, rows):
    for day in range(1, rows + 1):
        removed(datetime.date(2012, 1, day), "公示期满", f"单位{day}")
    # One query for the page (rows joined with batch, case, district); the cache is Redis.
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(2):
        client.get(reverse("public:removal-log"))
