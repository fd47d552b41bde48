"""The list's search and count: both ways of reading a search find the same rows, and the
count stops at a bound ("more than N") except where it is exact for free (the tallies)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from public import selectors
from registry.enums import Disposition
from registry.models import Enterprise
from tests.factories import EnterpriseFactory, ListedEntryFactory

pytestmark = pytest.mark.django_db
URL = reverse("public:entry-list")


def names(response):
    return sorted(entry.unit_name for entry in response.context["page"].rows)


def counts_in(queries):
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


@pytest.fixture
def units():
    """Names whose two-character fragments fall on either side of a word boundary, a unit
    renamed after it was exposed, and a unit found by its credit code only."""
    made = {
        name: ListedEntryFactory(finding__inspection__enterprise=EnterpriseFactory(name=name))
        for name in ["惠城宏发五金厂", "陈江宏发塑胶厂", "水口金源五金有限公司", "马安永兴家具厂"]
    }
    renamed = made["马安永兴家具厂"]
    Enterprise.objects.filter(pk=renamed.enterprise_id).update(name="惠州市鑫达电子有限公司")
    return made


# Fragments of each kind: a word (宏发), across a word boundary (城宏, 金有), a trade word
# that two units share (五金), a name the unit took after exposure (鑫达: only by the
# enterprise's current name), its printed name (永兴), and none.
SEARCHES = {
    "宏发": ["惠城宏发五金厂", "陈江宏发塑胶厂"],
    "城宏": ["惠城宏发五金厂"],
    "金有": ["水口金源五金有限公司"],
    "五金": ["惠城宏发五金厂", "水口金源五金有限公司"],
    "鑫达": ["马安永兴家具厂"],
    "有限公司": ["水口金源五金有限公司", "马安永兴家具厂"],
    "永兴": ["马安永兴家具厂"],
    "钢铁": [],
}


# (SEARCH_WALK_FROM, SEARCH_UNITS_HASHED): walk the list's index testing each row, its
# enterprise by primary key or against the set of matching enterprises; or start from the
# matches the bigram indexes give.
WAYS = {
    "walk-unit-by-row": (0, 0),
    "walk-unit-set": (0, 2000),
    "walk-some": (1, 0),
    "from-matches": (5000, 2000),
}


@pytest.fixture(params=list(WAYS))
def way(request, monkeypatch):
    walk_from, units_hashed = WAYS[request.param]
    monkeypatch.setattr(selectors, "SEARCH_WALK_FROM", walk_from)
    monkeypatch.setattr(selectors, "SEARCH_UNITS_HASHED", units_hashed)
    return request.param


@pytest.mark.parametrize("text", list(SEARCHES))
def test_search_finds_the_same_rows_either_way(client, units, way, text):
    response = client.get(URL, {"q": text})

    assert names(response) == SEARCHES[text]


def test_search_by_credit_code_prefix_either_way(client, units, way):
    entry = units["陈江宏发塑胶厂"]
    code = entry.enterprise.credit_code

    assert names(client.get(URL, {"q": code.lower()})) == ["陈江宏发塑胶厂"]
    assert names(client.get(URL, {"q": code[:17]})) == ["陈江宏发塑胶厂"]


def test_search_walks_pages_of_its_matches_once_each(client, monkeypatch, settings, units):
    monkeypatch.setattr(selectors, "SEARCH_WALK_FROM", 0)
    settings.PUBLIC_LIST_PAGE_SIZE = 1
    seen = []
    response = client.get(URL, {"q": "五金"})
    while True:
        seen += names(response)
        if not response.context["next_url"]:
            break
        response = client.get(URL + response.context["next_url"])

    assert sorted(seen) == ["惠城宏发五金厂", "水口金源五金有限公司"]


def test_search_count_stops_at_its_bound_and_says_more_than(client, monkeypatch, units):
    monkeypatch.setattr(selectors, "SEARCH_WALK_FROM", 1)

    with CaptureQueriesContext(connection) as queries:
        one = client.get(URL, {"q": "永兴"})
    # Read before the next request, which empties the connection's log of queries.
    [count] = counts_in(queries)
    many = client.get(URL, {"q": "五金"})

    assert one.context["total"] == 1
    assert "共 1 条" in one.content.decode()
    # One count of the matches, cut at the bound plus one (UNION ALL, so the LIMIT stops it).
    assert "LIMIT 2" in count
    assert "UNION ALL" in count
    # Two match: more than the bound, and both are listed.
    assert many.context["total"] == 2
    assert many.context["total_exceeds"] is True
    assert "超过 1 条" in many.content.decode()
    assert names(many) == ["惠城宏发五金厂", "水口金源五金有限公司"]


def test_filtered_count_is_bounded_and_said_in_english(client, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    ListedEntryFactory.create_batch(3, disposition=Disposition.BANNED)
    ListedEntryFactory(disposition=Disposition.SUSPENDED)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"disposition": "banned"})
    [count] = counts_in(queries)
    english = client.get(URL, {"disposition": "banned"}, HTTP_ACCEPT_LANGUAGE="en")
    exact = client.get(URL, {"disposition": "suspended"})

    assert "LIMIT 3" in count
    assert response.context["total"] == 3
    assert "超过 2 条" in response.content.decode()
    assert "More than 2 entries" in english.content.decode()
    # Every matching row is still listed: only the count stops.
    assert len(response.context["page"].rows) == 3
    assert exact.context["total"] == 1
    assert "共 1 条" in exact.content.decode()


def test_plain_list_and_district_counts_are_exact_from_the_tallies(client, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 1)
    entries = ListedEntryFactory.create_batch(3)
    district = entries[0].district_id

    with CaptureQueriesContext(connection) as queries:
        plain = client.get(URL)
        plain_counts = counts_in(queries)
    with CaptureQueriesContext(connection) as queries:
        by_district = client.get(URL, {"district": district})
        district_counts = counts_in(queries)

    # No count over the entries: the tallies' sums.
    assert [sql for sql in plain_counts + district_counts if '"publicity_entry"' in sql] == []
    assert plain.context["total"] == 3
    assert "共 3 条" in plain.content.decode()
    in_district = sum(1 for entry in entries if entry.district_id == district)
    assert by_district.context["total"] == in_district


def test_list_pages_are_kept_whole_not_as_objects_too(client, units):
    from django.core.cache import cache

    client.get(URL, {"q": "宏发"})
    client.get(URL)
    keys = [key.decode() for key in cache._cache.get_client().keys("*")]

    # Each page only whole, by the page cache (and a search its count): pickling a page's
    # rows besides cost a first visit more than its SQL.
    assert [key for key in keys if ":entry-page:" in key or "entry-rows" in key] == []
    assert len([key for key in keys if "public-page:" in key and ":-" not in key]) == 1
    assert len([key for key in keys if "public-page:" in key and ":-" in key]) == 1


def test_search_with_another_filter_finds_the_same_rows_either_way(client, units, way):
    renamed = units["马安永兴家具厂"]
    other = units["惠城宏发五金厂"]

    here = client.get(URL, {"q": "鑫达", "district": renamed.district_id})
    both = client.get(URL, {"q": "宏发", "district": other.district_id})

    assert names(here) == ["马安永兴家具厂"]
    assert here.context["total"] == 1
    expected = sorted(
        name for name in SEARCHES["宏发"] if units[name].district_id == other.district_id
    )
    assert names(both) == expected
    assert both.context["total"] == len(expected)
