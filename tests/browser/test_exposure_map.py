"""The exposure map in a real browser: drawn from the npm boundary script with no request
leaving this machine, switched between its figures, a click or a second tap on a district
opening the list filtered to it; on a phone the map fits and the table follows."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from registry.models import Jurisdiction
from tests.browser.maps import outside_requests, pixel_of
from tests.factories import EnterpriseFactory, ListedEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A point well inside 博罗县's polygon, away from its label.
BOLUO = [114.1, 23.3]
DRAWN = ".map-block--drawn [data-map] svg"


def make_entries():
    boluo = Jurisdiction.objects.get(code="441322")
    ListedEntryFactory(
        district=boluo, finding__inspection__enterprise=EnterpriseFactory(name="博罗县永通鞭炮店")
    )
    ListedEntryFactory(finding__inspection__enterprise=EnterpriseFactory(name="惠城区永通五金厂"))
    ListedEntryFactory(district=Jurisdiction.objects.get(code="441371"))
    return boluo


def test_exposure_map_renders_and_a_click_opens_the_filtered_list(page):
    boluo = make_entries()
    outside = outside_requests(page)
    # A script or style the Content-Security-Policy refused would be reported here.
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(reverse("public:statistics") + "?year=2009")
    page.wait_for_selector(DRAWN)

    features = page.evaluate(
        "(name) => echarts.getMap(name).geoJSON.features.map((f) => f.properties.name).sort()",
        settings.PUBLIC_MAP_NAME,
    )
    assert features == sorted(["惠城区", "惠阳区", "博罗县", "惠东县", "龙门县"])
    assert page.locator("[data-map]").get_attribute("data-map-districts") == "5"
    labels = page.locator(f"{DRAWN} text").all_text_contents()
    assert {"博罗县", "大亚湾", "仲恺"} <= set(labels)  # the zones as labelled points

    page.mouse.move(*pixel_of(page, BOLUO))
    tooltip = page.locator("[data-map] > div", has_text="正在公示：")
    tooltip.wait_for()
    assert tooltip.inner_text().split("\n") == [
        "博罗县",
        "正在公示：1",
        "逾期未整改：1",
        "整改完成率：0.0%",
    ]

    page.mouse.click(*pixel_of(page, BOLUO))
    page.wait_for_url(f"**/entries/?district={boluo.pk}&year=2009")
    assert page.locator(".entry-card__title").all_inner_texts() == ["博罗县永通鞭炮店"]
    assert outside == []
    assert errors == []


def test_exposure_map_switches_figures_and_opens_the_matching_list(page):
    boluo = make_entries()

    page.goto("/")
    page.wait_for_selector(DRAWN)
    page.get_by_role("radio", name="逾期未整改").check()
    assert page.locator(f"{DRAWN} text", has_text="1 多").count() == 1  # the legend's scale

    page.mouse.click(*pixel_of(page, BOLUO))
    page.wait_for_url(f"**/entries/?district={boluo.pk}&overdue=on&scope=all")
    assert page.locator(".entry-card__title").all_inner_texts() == ["博罗县永通鞭炮店"]


def test_exposure_map_on_a_phone_fits_and_a_second_tap_opens_the_list(browser, live_server):
    boluo = make_entries()
    context = browser.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/")
        page.wait_for_selector(DRAWN)

        map_box = page.locator("[data-map]").bounding_box()
        table_box = page.locator(".map-block .table").bounding_box()
        assert map_box["width"] <= 390
        assert table_box["y"] >= map_box["y"] + map_box["height"]  # the table follows below
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.evaluate(  # the table fits: no sideways scrolling
            "(() => { const w = document.querySelector('.map-block .table-wrap');"
            " return w.scrollWidth <= w.clientWidth; })()"
        )

        page.touchscreen.tap(*pixel_of(page, BOLUO))
        tooltip = page.locator("[data-map] > div", has_text="再点一次")
        tooltip.wait_for()
        assert tooltip.inner_text().startswith("博罗县")
        assert urlsplit(page.url).path == "/"

        page.touchscreen.tap(*pixel_of(page, BOLUO))
        page.wait_for_url(f"**/entries/?district={boluo.pk}")
    finally:
        context.close()


# A point inside 惠东县's polygon, a district with no entry and so no overdue case.
HUIDONG = [114.9, 23.05]


def test_exposure_map_opens_no_empty_overdue_list(page):
    """Showing the overdue cases, a click on a district with none shows its figures and opens
    nothing (it opened an empty list, issue 16); a district with some opens their list."""
    boluo = make_entries()
    opened = []
    page.on(
        "request",
        lambda request: opened.append(request.url) if "/entries/" in request.url else None,
    )

    page.goto("/")
    page.wait_for_selector(DRAWN)
    page.get_by_role("radio", name="逾期未整改").check()
    page.mouse.click(*pixel_of(page, HUIDONG))
    tooltip = page.locator("[data-map] > div", has_text="逾期未整改：0")
    tooltip.wait_for()
    assert tooltip.inner_text().split("\n")[0] == "惠东县"

    page.mouse.click(*pixel_of(page, BOLUO))
    page.wait_for_url(f"**/entries/?district={boluo.pk}&overdue=on&scope=all")
    assert [url.split("/entries/", 1)[1] for url in opened] == [
        f"?district={boluo.pk}&overdue=on&scope=all"
    ]
