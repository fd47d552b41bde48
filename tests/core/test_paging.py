"""Counts that stop early: the staff lists' pages and the dashboard's counts."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from core.pages import BoundedPaginator, bounded_count, bounded_counts, bounded_page_of
from registry.enums import JurisdictionLevel
from registry.models import Jurisdiction

pytestmark = pytest.mark.django_db


def townships():
    return Jurisdiction.objects.filter(level=JurisdictionLevel.TOWNSHIP).order_by("path")


def test_bounded_count_stops_one_past_the_bound():
    total = townships().count()
    assert total > 5
    assert bounded_count(townships(), bound=5) == 6
    assert bounded_count(townships(), bound=total) == total
    assert bounded_count(townships().none(), bound=5) == 0


def test_bounded_counts_are_one_query(django_assert_num_queries):
    total = townships().count()
    with django_assert_num_queries(1):
        counts = bounded_counts(
            {
                "few": townships().filter(path__startswith="441302/"),
                "many": townships(),
                "none": townships().none(),
            },
            bound=5,
        )
    assert counts == {
        "few": min(townships().filter(path__startswith="441302/").count(), 6),
        "many": 6,
        "none": 0,
    }
    assert total > 5


def test_bounded_paginator_ends_its_pages_at_the_bound():
    paginator = BoundedPaginator(townships(), 2, bound=5)
    assert (paginator.count, paginator.more, paginator.num_pages) == (6, True, 3)
    last = paginator.get_page(99)
    assert last.number == 3
    assert [j.pk for j in last.object_list] == [j.pk for j in townships()[4:6]]
    exact = BoundedPaginator(townships().filter(path__startswith="441302/"), 2, bound=1000)
    assert exact.more is False
    assert exact.count == townships().filter(path__startswith="441302/").count()


def test_a_deeper_page_reads_its_rows_by_their_ids(django_assert_num_queries):
    from django.db.models import Count

    annotated = townships().annotate(below=Count("children"))
    paginator = BoundedPaginator(annotated, 2, bound=5)
    paginator.count  # noqa: B018 - counted apart
    # Past the first page: the ids by the list's order (OFFSET over them alone, without
    # the annotation), then those rows whole, in that order.
    with django_assert_num_queries(2) as queries:
        second = paginator.page(2)
        rows = list(second.object_list)
    ids_sql = queries.captured_queries[0]["sql"]

    assert [j.pk for j in rows] == [j.pk for j in townships()[2:4]]
    assert [j.below for j in rows] == [0, 0]
    assert "OFFSET 2" in ids_sql
    assert "COUNT" not in ids_sql.upper()
    with django_assert_num_queries(1):
        list(paginator.page(1).object_list)


def test_pagination_says_when_the_count_stopped():
    request = RequestFactory().get("/staff/cases/", {"page": "2"})
    page = bounded_page_of(request, townships(), 2, bound=5)
    html = Template('{% include "_pagination.html" with page=page %}').render(
        Context({"page": page, "request": request})
    )
    assert "第 2 页，列出前 3 页（超过 5 项，可用筛选缩小范围）" in " ".join(html.split())


def test_bounded_filter_shows_more_than_the_bound():
    template = Template("{% load ui %}{{ few|bounded }} · {{ many|bounded }}")
    assert template.render(Context({"few": 1000, "many": 1001})) == "1,000 · 1,000+"
