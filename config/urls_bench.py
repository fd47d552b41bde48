"""The site's URLs plus the two reference views of ``make bench`` (config.settings_bench).

``/bench/hello/``: a bare response through the whole middleware stack, no database.
``/bench/floor/[?district=<id>][&after=<cursor>]``: the public list's fair database floor: the
same 50 rows the list's page shows (with what a row prints from the batch, district,
industry and case), by the same keyset (``after`` is the list's own cursor, decoded as the
list decodes it), in one query on the same index, with no count, rendered as plain HTML by
string joining. Strictly less work than the page it bounds: no count, no filter form, no
template. Without a district it bounds the province's list at the root (every city's
entries).
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_patterns
from public.selectors import _cursor_decode

PAGE_SIZE = 50

FLOOR_SELECT = """
SELECT e.id, e.unit_name, e.published_on, e.category, e.disposition,
       e.rectification_deadline, b.year, b.number, d.name, i.name, c.status, c.deadline
FROM publicity_entry e
JOIN publicity_batch b ON b.id = e.batch_id
JOIN registry_jurisdiction d ON d.id = e.district_id
JOIN registry_industry i ON i.id = e.industry_id
LEFT JOIN rectification_case c ON c.id = e.case_id
WHERE e.status = 'listed' {district} {after}
ORDER BY e.published_on DESC, e.id DESC
LIMIT %(limit)s
"""
AFTER = "AND (e.published_on, e.id) < (%(published_on)s, %(pk)s)"
DISTRICT = "AND e.district_id = %(district)s"


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def floor(request: HttpRequest) -> HttpResponse:
    params: dict[str, Any] = {"limit": PAGE_SIZE}
    if request.GET.get("district"):
        params["district"] = int(request.GET["district"])
    after = _cursor_decode(request.GET.get("after", ""), "published_on")
    if after is not None:
        params["published_on"], params["pk"] = after
    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SELECT.format(
                district=DISTRICT if "district" in params else "", after=AFTER if after else ""
            ),
            params,
        )
        rows = cursor.fetchall()
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>"
        for row in rows
    )
    return HttpResponse(f"<table>{body}</table>")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/floor/", floor),
    *site_patterns,
]
