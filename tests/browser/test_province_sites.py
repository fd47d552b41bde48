"""The province's home and a city's site in a real browser, at desktop and phone width: the
province's map drawn from the npm outlines with each city shaded by its figures and a click
opening the city's list; a city's site with its own map, list and links, the way back to the
province, and an entry page linking the same unit's exposure in another city."""

from urllib.parse import urlsplit

import pytest

from tests.browser.maps import outside_requests, pixel_of
from tests.province import two_city_province

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWN = ".map-block--drawn [data-map] svg"
# Points well inside each city's outline.
SHENZHEN = [114.12, 22.68]
HUIZHOU = [114.45, 23.25]
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


def watched(page):
    """Console errors, page errors and requests off this machine, collected from now on."""
    seen = {"errors": [], "outside": outside_requests(page)}
    page.on(
        "console",
        lambda message: seen["errors"].append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    return seen


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_province_home_shades_its_cities_and_a_click_opens_a_city_list(page):
    two_city_province()
    seen = watched(page)
    page.goto("/")
    page.wait_for_selector(DRAWN)

    features = page.evaluate(
        "() => echarts.getMap('广东省').geoJSON.features.map((f) => f.id).sort()"
    )
    assert len(features) == 21
    assert {"441300", "440300"} <= set(features)
    rows = page.locator(".map-block tbody tr").all_inner_texts()
    # In the tree's order (by code).
    assert [row.split("\t")[:3] for row in rows] == [["深圳市", "2", "2"], ["惠州市", "1", "1"]]

    page.mouse.move(*pixel_of(page, SHENZHEN))
    tooltip = page.locator("[data-map] > div", has_text="正在公示：")
    tooltip.wait_for()
    assert tooltip.inner_text().split("\n")[:2] == ["深圳市", "正在公示：2"]
    page.mouse.click(*pixel_of(page, SHENZHEN))
    page.wait_for_url("**/shenzhen/entries/")
    assert sorted(page.locator(".entry-card__title").all_inner_texts()) == [
        "福田区丙厂",
        "福田区乙店",
    ]
    assert seen == {"errors": [], "outside": []}


def test_the_province_home_on_a_phone_fits_with_the_table_below_the_map(browser, live_server):
    two_city_province()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/")
        page.wait_for_selector(DRAWN)
        map_box = page.locator("[data-map]").bounding_box()
        table_box = page.locator(".map-block .table").bounding_box()
        assert map_box["width"] <= 390
        assert table_box["y"] >= map_box["y"] + map_box["height"]
        fits(page, 390)
        page.touchscreen.tap(*pixel_of(page, HUIZHOU))
        page.locator("[data-map] > div", has_text="再点一次").wait_for()
        page.touchscreen.tap(*pixel_of(page, HUIZHOU))
        page.wait_for_url("**/huizhou/entries/")
        assert page.locator(".entry-card__title").all_inner_texts() == ["惠城区甲厂"]
    finally:
        context.close()


def test_a_city_site_is_its_own_and_links_the_unit_in_another_city(page):
    data = two_city_province()
    seen = watched(page)
    page.goto("/shenzhen/")
    page.wait_for_selector(DRAWN)
    # Its own map: Shenzhen's districts, Futian shaded.
    assert page.evaluate("() => echarts.getMap('深圳').geoJSON.features.length") == 8
    assert "0755-12350" in page.locator(".site-footer").inner_text()
    page.get_by_role("link", name="曝光名单", exact=True).first.click()
    page.wait_for_url("**/shenzhen/entries/")
    page.get_by_role("link", name="福田区乙店").click()
    page.wait_for_url(f"**/shenzhen/entries/{data['sz'].pk}/")
    # The same unit exposed in Huizhou, on Huizhou's site.
    page.get_by_role("link", name="惠州市 ·", exact=False).click()
    page.wait_for_url(f"**/huizhou/entries/{data['hz'].pk}/")
    # The way back to the province.
    page.get_by_role("link", name="广东省", exact=True).click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    assert seen == {"errors": [], "outside": []}


def test_a_city_site_on_a_phone_fits_and_keeps_its_links(browser, live_server):
    two_city_province()
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/shenzhen/entries/")
        fits(page, 390)
        assert sorted(page.locator(".entry-card__title").all_inner_texts()) == [
            "福田区丙厂",
            "福田区乙店",
        ]
        hrefs = page.eval_on_selector_all(
            ".site-nav a", "(links) => links.map((a) => a.getAttribute('href'))"
        )
        public = [href for href in hrefs if "staff" not in href]
        assert public
        assert all(href.startswith("/shenzhen/") for href in public), public
        page.goto("/shenzhen/")
        page.wait_for_selector(DRAWN)
        fits(page, 390)
    finally:
        context.close()
