"""The Atom feed, CSV and XLSX downloads, and the read-only JSON API with its schema."""

import csv
import datetime
import io
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from registry.models import Jurisdiction
from tests.factories import (
    ErratumFactory,
    ListedEntryFactory,
    PublishedBatchFactory,
)

pytestmark = pytest.mark.django_db


def test_feed_lists_batches_and_errata_newest_first(client):
    batch = PublishedBatchFactory(year=2009, number=3, published_on=datetime.date(2009, 3, 15))
    entry = ListedEntryFactory(batch=batch, unit_name="更正五金厂")
    ErratumFactory(entry=entry)

    response = client.get(reverse("public:feed"))

    body = response.content.decode()
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    titles = [line.strip() for line in body.split("<title>")[2:]]
    assert [t.split("</title>")[0] for t in titles] == [
        "更正：更正五金厂（2009年第3批）",
        "公示曝光2009年第3批",
    ]


def test_feed_summary_is_plain_text_to_a_feed_reader(client):
    # <summary type="html">: after XML parsing the reader renders the text as HTML, so staff
    # text must come out of it exactly as typed, not as markup.
    entry = ListedEntryFactory(unit_name="某厂")
    ErratumFactory(entry=entry, reason='<img src=x onerror="alert(1)">错登')

    response = client.get(reverse("public:feed"))

    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own response
    summaries = [element.text for element in root.iter("{http://www.w3.org/2005/Atom}summary")]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;错登" in summaries


def test_export_csv_streams_filtered_rows_with_formula_guard(client):
    boluo = Jurisdiction.objects.get(code="441322")
    ListedEntryFactory(district=boluo, unit_name="=HYPERLINK(1)")
    ListedEntryFactory(unit_name="惠城区不在内厂")

    response = client.get(reverse("public:entry-export-csv"), {"district": boluo.pk})

    assert response.streaming is True
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["编号", "批次", "公示日期", "单位名称"]
    assert [row[3] for row in rows[1:]] == ["'=HYPERLINK(1)"]
    assert rows[1][6] == "博罗县"
    assert rows[1][-1] == "逾期未整改"  # the factory case's deadline is in 2009


def test_export_xlsx_has_the_filtered_rows(client):
    entry = ListedEntryFactory(unit_name="表格五金厂")
    ListedEntryFactory(unit_name="另一家", disposition="banned")

    response = client.get(
        reverse("public:entry-export-xlsx"), {"disposition": "rectify_by_deadline"}
    )

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert [row[3] for row in rows] == ["单位名称", "表格五金厂"]
    assert rows[1][0] == entry.pk


def test_api_entries_filter_and_paginate_by_cursor(client):
    boluo = Jurisdiction.objects.get(code="441322")
    match = ListedEntryFactory(district=boluo)
    ListedEntryFactory()

    data = client.get(reverse("public:api-entry-list"), {"district": boluo.pk}).json()

    assert [row["id"] for row in data["results"]] == [match.pk]
    assert data["results"][0]["district"] == "博罗县"
    assert data["results"][0]["rectification_status"] == "overdue"  # a 2009 deadline
    assert data["next"] is None
    assert "submitter_name" not in data["results"][0]


def test_api_entries_query_count_is_constant(client, count_queries, django_assert_num_queries):
    batch = PublishedBatchFactory()
    ListedEntryFactory(batch=batch)
    url = reverse("public:api-entry-list")
    one = count_queries(lambda: client.get(url))
    ListedEntryFactory.create_batch(2, batch=batch)
    cache.clear()

    # The rows, and the authorities' rules (which site the request is on: kept in the cache
    # for a day, read here because the test emptied it).
    assert one == 2
    with django_assert_num_queries(one):
        assert len(client.get(url).json()["results"]) == 3


def test_api_enterprises_only_with_public_entries(
    client, exposure, count_queries, django_assert_num_queries
):
    url = reverse("public:api-enterprise-list")
    one = count_queries(lambda: client.get(url))
    cache.clear()
    ListedEntryFactory()

    data = client.get(url).json()

    listed = [exposure.entries[0], exposure.entries[1]]
    assert [row["id"] for row in data["results"]][:2] == [e.enterprise_id for e in listed]
    assert data["results"][0]["entries"] == [listed[0].pk]
    assert len(data["results"]) == 3
    cache.clear()
    with django_assert_num_queries(one):
        client.get(url)


def test_api_batches_and_statistics(client):
    batch = PublishedBatchFactory(year=2009, number=2)

    batches = client.get(reverse("public:api-batch-list")).json()
    stats = client.get(
        reverse("public:api-statistics"), {"start": "2010-01-01", "end": "2010-12-31"}
    ).json()
    bad = client.get(reverse("public:api-statistics"), {"start": "2010-12-31", "end": "2010-01-01"})

    assert batches["results"] == [
        {
            "id": batch.pk,
            "label": "2009年第2批",
            "year": 2009,
            "number": 2,
            "published_on": "2009-03-15",
            "outlet": "惠州日报",
            "notice_sha256": "",
            "notice_url": None,
        }
    ]
    assert stats["period"] == {"start": "2010-01-01", "end": "2010-12-31"}
    assert bad.status_code == 400


def test_api_is_read_only(client):
    response = client.post(reverse("public:api-entry-list"), {}, content_type="application/json")

    assert response.status_code == 405


def test_api_schema_and_docs_served_from_our_static_files(client):
    schema = client.get(reverse("public:api-schema"), {"format": "json"}).json()
    docs = client.get(reverse("public:api-docs")).content.decode()

    assert sorted(schema["paths"]) == [
        "/api/public/batches/",
        "/api/public/batches/{id}/",
        "/api/public/enterprises/",
        "/api/public/enterprises/{id}/",
        "/api/public/entries/",
        "/api/public/entries/{id}/",
        "/api/public/statistics/",
    ]
    assert '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>' in docs
    assert "<style>" not in docs


def test_api_batches_query_count_is_constant(client, count_queries, django_assert_num_queries):
    PublishedBatchFactory()
    url = reverse("public:api-batch-list")
    one = count_queries(lambda: client.get(url))
    PublishedBatchFactory.create_batch(2)
    cache.clear()

    # The rows, and the authorities' rules (which site the request is on: kept in the cache
    # for a day, read here because the test emptied it).
    assert one == 2
    with django_assert_num_queries(one):
        assert len(client.get(url).json()["results"]) == 3


@pytest.mark.django_db(transaction=True)
def test_export_rows_stream_inside_a_transaction():
    # Outside a transaction the server-side cursor is WITH HOLD: PostgreSQL builds the whole
    # result before the first row, and at a million rows the first byte takes seconds.
    from django.db import connection

    from public.selectors import entry_export_rows, entry_queryset

    ListedEntryFactory.create_batch(3)
    rows = entry_export_rows(queryset=entry_queryset(), sort="newest")

    first = next(rows)
    in_transaction = connection.in_atomic_block
    rest = list(rows)

    assert in_transaction is True
    assert len([first, *rest]) == 3
    assert connection.in_atomic_block is False


def test_exports_carry_the_printed_credit_code(client):
    ListedEntryFactory(unit_name="有代码厂", credit_code="91441302MA0000042A")
    ListedEntryFactory(unit_name="无证作坊", credit_code="")
    query = {"sort": "name"}

    csv_text = b"".join(
        client.get(reverse("public:entry-export-csv"), query).streaming_content
    ).decode("utf-8")
    workbook = load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("public:entry-export-xlsx"), query).streaming_content)
        ),
        read_only=True,
    )

    csv_rows = [row[3:5] for row in csv.reader(io.StringIO(csv_text.lstrip("\ufeff")))]
    xlsx_rows = [list(row[3:5]) for row in workbook.active.iter_rows(values_only=True)]
    expected = [
        ["单位名称", "统一社会信用代码"],
        ["无证作坊", ""],
        ["有代码厂", "91441302MA0000042A"],
    ]
    assert csv_rows == expected
    # openpyxl reads an empty cell back as None.
    assert xlsx_rows == [expected[0], ["无证作坊", None], expected[2]]


def test_api_entries_carry_credit_code_and_printed_number_in_data_and_schema(client):
    entry = ListedEntryFactory(credit_code="91441302MA0000042A", printed_number=7)

    row = client.get(reverse("public:api-entry-detail", args=[entry.pk])).json()
    schema = client.get(reverse("public:api-schema"), {"format": "json"}).json()

    assert (row["credit_code"], row["printed_number"]) == ("91441302MA0000042A", 7)
    properties = schema["components"]["schemas"]["Entry"]["properties"]
    assert properties["credit_code"]["type"] == "string"
    assert properties["printed_number"]["type"] == "integer"
    assert "printed_number" in schema["components"]["schemas"]["Entry"]["required"]
