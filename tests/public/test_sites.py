"""Each city's public site and the province's (issue "One deployment for a province", item 4):
/<slug>/ serves one city's list, batches, statistics, feed, API and reports, its links stay on
it, and its cached pages and objects are its own; the root of a province shows every city and
sends a record's page to its city's site; a one-city database's old addresses redirect to the
city's site; an entry page shows the same unit's exposures in other cities."""

import pytest
from django.core.cache import cache

from publicity.models import Submission
from registry.models import Authority
from tests.factories import ListedEntryFactory
from tests.province import two_city_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def sites(settings):
    settings.PUBLIC_PAGE_CACHE = True
    return two_city_province()


def test_a_city_site_lists_only_its_own_entries_and_keeps_its_links(client, sites):
    page = client.get("/shenzhen/entries/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "福田区乙店" in html
    assert "福田区丙厂" in html
    assert "惠城区甲厂" not in html
    assert 'href="/shenzhen/entries/' in html  # reverse() takes the site's path
    assert "0755-12350" in html  # the city's own hotline in the layout
    huizhou = client.get("/huizhou/entries/").content.decode()
    assert "惠城区甲厂" in huizhou
    assert "福田区" not in huizhou
    # Served twice (the second from the page cache): the same city's page.
    again = client.get("/shenzhen/entries/").content.decode()
    assert "惠城区甲厂" not in again


def test_the_province_root_lists_every_city_and_shows_its_map(client, sites):
    html = client.get("/entries/").content.decode()
    assert "惠城区甲厂" in html
    assert "福田区乙店" in html
    home = client.get("/")
    assert home.status_code == 200
    text = home.content.decode()
    assert 'href="/huizhou/"' in text
    assert 'href="/shenzhen/"' in text
    assert "/maps/province-440000.js" in text
    script = client.get("/maps/province-440000.js")
    assert script.status_code == 200
    assert b'"id": "441300"' in script.content
    assert b'"id": "440300"' in script.content


def test_a_record_page_goes_to_its_own_city_site(client, sites):
    sz, hz = sites["sz"], sites["hz"]
    assert client.get(f"/entries/{sz.pk}/")["Location"] == f"/shenzhen/entries/{sz.pk}/"
    assert client.get(f"/huizhou/entries/{sz.pk}/")["Location"] == f"/shenzhen/entries/{sz.pk}/"
    batch = sites["sz_batch"]
    assert client.get(f"/batches/{batch.pk}/")["Location"] == f"/shenzhen/batches/{batch.pk}/"
    assert client.get(f"/shenzhen/batches/{batch.pk}/").status_code == 200
    # By the city's code too.
    assert client.get(f"/440300/entries/{sz.pk}/")["Location"] == f"/shenzhen/entries/{sz.pk}/"
    # The same unit's exposure in the other city, linked on its own site.
    page = client.get(f"/huizhou/entries/{hz.pk}/").content.decode()
    assert f'href="/shenzhen/entries/{sz.pk}/"' in page
    assert "深圳市 ·" in page


def test_a_city_site_api_statistics_and_feed_are_its_own(client, sites):
    api = client.get("/shenzhen/api/public/entries/").json()
    names = {row["unit_name"] for row in api["results"]}
    assert names == {"福田区乙店", "福田区丙厂"}
    province = client.get("/api/public/entries/").json()
    assert {row["unit_name"] for row in province["results"]} >= names | {"惠城区甲厂"}
    stats = client.get("/shenzhen/api/public/statistics/").json()
    assert stats["published_entries"] == 2
    feed = client.get("/shenzhen/feed.atom").content.decode()
    assert "/shenzhen/batches/" in feed
    assert client.get("/shenzhen/statistics/").status_code == 200


def test_a_report_from_a_city_site_is_the_city_s(client, sites):
    form = client.get("/shenzhen/reports/new/").content.decode()
    assert "福田区" in form
    assert "惠城区" not in form
    response = client.post(
        "/shenzhen/reports/new/",
        {
            "kind": "report",
            "subject": "深夜施工无防护",
            "body": "福田区某工地夜间施工，脚手架没有防护网。",
            "is_anonymous": "on",
        },
    )
    assert response.status_code == 201
    assert Submission.objects.get().district.code == "440300"


def test_staff_pages_under_a_city_path_go_to_the_root(client, sites):
    response = client.get("/shenzhen/staff/login/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/login/"
    assert client.get("/shenzhen")["Location"] == "/shenzhen/"


def test_a_one_city_database_redirects_its_old_addresses_to_the_city_site(client, settings):
    settings.PUBLIC_PAGE_CACHE = True
    Authority.objects.filter(jurisdiction__code="441300").update(site_slug="huizhou")
    cache.clear()
    entry = ListedEntryFactory()
    assert client.get("/")["Location"] == "/huizhou/"
    assert client.get("/entries/?q=甲")["Location"] == "/huizhou/entries/?q=%E7%94%B2"
    old = client.get(f"/batches/{entry.batch.pk}/")
    assert old["Location"] == f"/huizhou/batches/{entry.batch.pk}/"
    assert client.get(old["Location"]).status_code == 200
    assert client.get("/huizhou/").status_code == 200
    # Staff pages stay where they were.
    assert client.get("/staff/login/").status_code == 200
