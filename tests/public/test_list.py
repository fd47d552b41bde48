"""The exposure list: filters, search, keyset pages, badges, query-count guard."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from public.views import filtered_entries
from publicity.enums import EntryStatus
from rectification.enums import CaseStatus
from registry.enums import Disposition
from registry.models import Enterprise, Industry, Jurisdiction
from tests.factories import (
    EnterpriseFactory,
    ListedEntryFactory,
    PublishedBatchFactory,
)

pytestmark = pytest.mark.django_db
URL = reverse("public:entry-list")


def names(response):
    return [entry.unit_name for entry in response.context["page"].rows]


def response_total(response):
    return response.context["total"]


def badges(response):
    return {entry.unit_name: entry.badge.slug for entry in response.context["page"].rows}


def test_entry_list_shows_listed_entries_with_badges(client, exposure):
    response = client.get(URL)

    assert response.status_code == 200
    listed = [exposure.entries[0].unit_name, exposure.entries[1].unit_name]
    assert sorted(names(response)) == sorted(listed)
    assert badges(response) == {listed[0]: "rectifying", listed[1]: "overdue"}
    assert response.context["total"] == 2


def test_entry_list_scope_removed_shows_removed_badge(client, exposure):
    response = client.get(URL, {"scope": "removed"})

    assert badges(response) == {exposure.entries[2].unit_name: "removed"}


def test_entry_list_filters_by_district_industry_and_disposition(client):
    boluo = Jurisdiction.objects.get(code="441322")
    fireworks = Industry.objects.exclude(code="labour_intensive").first()
    match = ListedEntryFactory(
        district=boluo, industry=fireworks, disposition=Disposition.BANNED, unit_name="博罗县甲厂"
    )
    ListedEntryFactory(district=boluo, disposition=Disposition.BANNED, unit_name="博罗县乙厂")
    ListedEntryFactory(industry=fireworks, disposition=Disposition.BANNED, unit_name="惠城丙厂")

    response = client.get(
        URL, {"district": boluo.pk, "industry": fireworks.pk, "disposition": "banned"}
    )

    assert names(response) == [match.unit_name]


def test_entry_list_filters_by_batch_year_and_category(client):
    early = PublishedBatchFactory(year=2008, published_on=datetime.date(2008, 9, 27))
    old = ListedEntryFactory(batch=early, category="illegal_operation", unit_name="旧批次厂")
    ListedEntryFactory(category="illegal_operation", unit_name="新批次厂")

    assert names(client.get(URL, {"year": "2008"})) == [old.unit_name]
    assert names(client.get(URL, {"batch": early.pk, "category": "illegal_operation"})) == [
        old.unit_name
    ]


def test_entry_list_filters_rectification_status_and_overdue(client):
    today = timezone.localdate()
    overdue = ListedEntryFactory(
        unit_name="逾期厂", case__deadline=today - datetime.timedelta(days=2)
    )
    ListedEntryFactory(unit_name="未到期厂", case__deadline=today + datetime.timedelta(days=9))
    done = ListedEntryFactory(
        unit_name="已整改厂",
        case__status=CaseStatus.RECTIFIED,
        case__closed_on=today,
        case__deadline=today - datetime.timedelta(days=3),
    )

    assert names(client.get(URL, {"overdue": "on"})) == [overdue.unit_name]
    assert names(client.get(URL, {"rectification": "rectified"})) == [done.unit_name]
    assert sorted(names(client.get(URL, {"rectification": "rectifying"}))) == ["未到期厂", "逾期厂"]


def test_entry_list_search_two_character_fragment_and_credit_code(client):
    tong = ListedEntryFactory(
        finding__inspection__enterprise=EnterpriseFactory(name="惠阳区永通五金厂"),
    )
    other = ListedEntryFactory(
        finding__inspection__enterprise=EnterpriseFactory(name="博罗县兴旺鞭炮店"),
    )

    assert names(client.get(URL, {"q": "永通"})) == [tong.unit_name]
    code = other.enterprise.credit_code
    assert names(client.get(URL, {"q": code.lower()})) == [other.unit_name]


def test_entry_list_search_finds_a_renamed_unit_by_its_printed_name(client):
    entry = ListedEntryFactory(
        finding__inspection__enterprise=EnterpriseFactory(name="惠阳区永通五金厂"),
    )
    ListedEntryFactory(finding__inspection__enterprise=EnterpriseFactory(name="博罗县兴旺鞭炮店"))
    # Renamed after publication: the entry keeps the name it was printed under.
    Enterprise.objects.filter(pk=entry.enterprise_id).update(name="惠州市宏图金属制品有限公司")

    assert entry.unit_name == "惠阳区永通五金厂"
    assert names(client.get(URL, {"q": "永通五金"})) == ["惠阳区永通五金厂"]
    assert names(client.get(URL, {"q": "宏图"})) == ["惠阳区永通五金厂"]
    assert response_total(client.get(URL, {"q": "五金"})) == 1


def test_entry_list_filters_by_batch_year_and_number_without_a_select_of_batches(client):
    for number in range(1, 6):
        PublishedBatchFactory(year=2009, number=number, published_on=datetime.date(2009, 3, 1))
    third = PublishedBatchFactory(year=2010, number=3, published_on=datetime.date(2010, 5, 1))
    wanted = ListedEntryFactory(batch=third, unit_name="第三批厂")
    ListedEntryFactory(
        batch=PublishedBatchFactory(year=2011, number=3, published_on=datetime.date(2011, 5, 1)),
        unit_name="另一年第三批厂",
    )

    response = client.get(URL, {"year": "2010", "batch_number": "3"})
    page = response.content.decode()

    assert names(response) == [wanted.unit_name]
    assert sorted(names(client.get(URL, {"batch_number": "3"}))) == sorted(
        ["第三批厂", "另一年第三批厂"]
    )
    # The batch is a hidden field (kept from a batch page's link), not a list of every batch.
    assert '<select name="batch"' not in page
    assert "2009年第5批" not in page


def test_entry_list_refuses_one_character_search(client):
    ListedEntryFactory()

    response = client.get(URL, {"q": "厂"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors == {"q": ["请输入至少两个字。"]}
    assert names(response) == []
    assert "请输入至少两个字。" in response.content.decode()


def test_entry_list_keyset_pages_cover_every_row_once(client, settings):
    settings.PUBLIC_LIST_PAGE_SIZE = 2
    batch = PublishedBatchFactory()
    made = [ListedEntryFactory(batch=batch, unit_name=f"单位{n}") for n in range(5)]

    seen, url, pages = [], URL, 0
    while url:
        response = client.get(url)
        seen += names(response)
        pages += 1
        following = response.context["next_url"]
        url = f"{URL}{following}" if following else None

    # Same date: newest id first.
    assert seen == [entry.unit_name for entry in reversed(made)]
    assert pages == 3


def test_entry_list_sort_by_name_with_cursor(client, settings):
    settings.PUBLIC_LIST_PAGE_SIZE = 2
    for name in ["丙厂", "甲厂", "乙厂"]:
        ListedEntryFactory(unit_name=name)

    first = client.get(URL, {"sort": "name"})
    second = client.get(f"{URL}{first.context['next_url']}")

    ordered = sorted(["丙厂", "甲厂", "乙厂"])
    assert names(first) + names(second) == ordered
    assert second.context["next_url"] is None
    assert second.context["first_url"] == "?sort=name"


def test_entry_list_ignores_a_forged_cursor(client):
    entry = ListedEntryFactory()

    response = client.get(URL, {"after": "not-a-cursor!"})

    assert names(response) == [entry.unit_name]


def test_entry_list_query_count_is_constant(client, count_queries, django_assert_num_queries):
    batch = PublishedBatchFactory()
    ListedEntryFactory(batch=batch)
    params = {"district": Jurisdiction.objects.get(code="441302").pk, "year": "2009"}
    one = count_queries(lambda: client.get(URL, params))
    ListedEntryFactory.create_batch(2, batch=batch)
    cache.clear()

    # The form's district and industry choices (cached after this), page, count. No
    # district lookup: the choices validate the value. The authorities' rules
    # (registry.authorities), read into the cache.
    assert one == 5
    with django_assert_num_queries(one):
        response = client.get(URL, params)
    assert len(response.context["page"].rows) == 3


def test_entry_list_second_view_served_from_cache(client, django_assert_num_queries):
    ListedEntryFactory()
    client.get(URL)

    # Choices, page and count all come from the cache.
    with django_assert_num_queries(0):
        client.get(URL)


def test_filtered_entries_scope_defaults_to_listed(rf, exposure):
    _, queryset, scope, sort = filtered_entries(rf.get(URL))

    assert (scope, sort) == ("listed", "newest")
    assert set(queryset.values_list("status", flat=True)) == {EntryStatus.LISTED}


def test_entry_list_scope_all_never_shows_unpublished_entries(client, exposure):
    # Planned and withdrawn-on-objection entries are in no scope.
    response = client.get(URL, {"scope": "all"})

    assert sorted(names(response)) == sorted(e.unit_name for e in exposure.entries[:3])
