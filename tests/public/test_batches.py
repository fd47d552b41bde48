"""The batch archive and a batch's page with its notice PDF and SHA-256."""

import datetime
import hashlib

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse

from publicity.enums import EntryStatus
from tests.factories import BatchFactory, EntryFactory, ListedEntryFactory, PublishedBatchFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test notice"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_batch_archive_groups_published_batches_by_year(client):
    first = PublishedBatchFactory(year=2008, number=1, published_on=datetime.date(2008, 9, 27))
    second = PublishedBatchFactory(year=2009, number=1)
    BatchFactory()  # a draft is not in the archive
    ListedEntryFactory.create_batch(2, batch=second)
    EntryFactory(batch=second, status=EntryStatus.WITHDRAWN_ON_OBJECTION)

    response = client.get(reverse("public:batch-archive"))

    years = [
        (year, [(b.pk, b.entry_count) for b in batches])
        for year, batches in response.context["years"]
    ]
    assert years == [(2009, [(second.pk, 2)]), (2008, [(first.pk, 0)])]


def test_batch_archive_query_count(client, count_queries, django_assert_num_queries):
    PublishedBatchFactory()
    one = count_queries(lambda: client.get(reverse("public:batch-archive")))
    PublishedBatchFactory.create_batch(2)
    cache.clear()

    # The page's, and the authorities' rules (registry.authorities) read into the cache.
    assert one == 2
    with django_assert_num_queries(one):
        client.get(reverse("public:batch-archive"))


def test_batch_detail_offers_notice_and_hash(client):
    batch = PublishedBatchFactory(
        notice_pdf=ContentFile(PDF, name="notice.pdf"),
        notice_sha256=hashlib.sha256(PDF).hexdigest(),
    )
    entry = ListedEntryFactory(batch=batch)

    page = client.get(reverse("public:batch-detail", args=[batch.pk]))
    download = client.get(reverse("public:batch-notice", args=[batch.pk]))

    assert [row.pk for row in page.context["rows"]] == [entry.pk]
    assert hashlib.sha256(PDF).hexdigest() in page.content.decode()
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_batch_detail_without_notice_says_so(client):
    batch = PublishedBatchFactory()

    page = client.get(reverse("public:batch-detail", args=[batch.pk]))

    assert "本批次的公告 PDF 暂未提供电子版" in page.content.decode()
    assert client.get(reverse("public:batch-notice", args=[batch.pk])).status_code == 404


def test_batch_detail_draft_is_404(client):
    batch = BatchFactory()

    assert client.get(reverse("public:batch-detail", args=[batch.pk])).status_code == 404
    assert client.get(reverse("public:batch-notice", args=[batch.pk])).status_code == 404


def test_batch_detail_query_count(client, count_queries, django_assert_num_queries):
    batch = PublishedBatchFactory()
    ListedEntryFactory(batch=batch)
    url = reverse("public:batch-detail", args=[batch.pk])
    one = count_queries(lambda: client.get(url))
    ListedEntryFactory.create_batch(2, batch=batch)
    cache.clear()

    # The page's two, and the authorities' rules read into the cache.
    assert one == 3
    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["rows"]) == 3
