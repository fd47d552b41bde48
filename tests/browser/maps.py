"""What the map's browser tests share: where a point of the map lies on the page, and the
requests a page makes off this machine."""

from urllib.parse import urlsplit


def pixel_of(page, lon_lat):
    """Where a longitude/latitude lies on the page, from the chart's own projection."""
    page.locator("[data-map]").scroll_into_view_if_needed()
    x, y = page.evaluate(
        """(point) => echarts.getInstanceByDom(document.querySelector("[data-map]"))
             .convertToPixel({geoIndex: 0}, point)""",
        lon_lat,
    )
    box = page.locator("[data-map]").bounding_box()
    return box["x"] + x, box["y"] + y


def outside_requests(page):
    """Requests to anything but the live server, collected from now on."""
    seen = []
    page.on(
        "request",
        lambda request: (
            seen.append(request.url)
            if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost")
            and not request.url.startswith("data:")
            else None
        ),
    )
    return seen
