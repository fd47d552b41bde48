"""The site's URLs plus the two reference views of ``make bench`` (config.settings_bench).

``/bench/hello/``: a bare response through the whole middleware stack, no database.
``/bench/floor/?district=<id>&page=<n>``: the public list's database floor, one query for
the same 50 rows the list shows (with what a row prints from the batch, district, industry
and case) and their exact count, on the same index, rendered as plain HTML by string joining.
"""

from __future__ import annotations

from html import escape

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_patterns

PAGE_SIZE = 50

FLOOR_SQL = """
SELECT e.id, e.unit_name, e.published_on, e.category, e.disposition,
       e.rectification_deadline, b.year, b.number, d.name, i.name, c.status, c.deadline,
       (SELECT count(*) FROM publicity_entry
        WHERE district_id = %(district)s AND status = 'listed') AS total
FROM publicity_entry e
JOIN publicity_batch b ON b.id = e.batch_id
JOIN registry_jurisdiction d ON d.id = e.district_id
JOIN registry_industry i ON i.id = e.industry_id
LEFT JOIN rectification_case c ON c.id = e.case_id
WHERE e.district_id = %(district)s AND e.status = 'listed'
ORDER BY e.published_on DESC, e.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("hello")


def floor(request: HttpRequest) -> HttpResponse:
    district = int(request.GET.get("district", "0"))
    page = max(1, int(request.GET.get("page", "1")))
    with connection.cursor() as cursor:
        cursor.execute(
            FLOOR_SQL,
            {"district": district, "limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE},
        )
        rows = cursor.fetchall()
    total = rows[0][-1] if rows else 0
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row[:-1]) + "</tr>"
        for row in rows
    )
    return HttpResponse(f"<p>{total}</p><table>{body}</table>")


urlpatterns = [
    path("bench/hello/", hello),
    path("bench/floor/", floor),
    *site_patterns,
]
