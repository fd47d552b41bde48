"""Downloads too large to stream within the web timeout become export jobs (issue 12): built
by a real worker with the streamed download's writer, shared by identical requests, rate
limited per client, purged after their retention; XLSX past a worksheet's rows refused."""

import csv
import datetime
import hashlib
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from public.export_jobs import export_files_purge, export_job_run
from publicity.models import ExportJob
from tests.factories import ListedEntryFactory
from tests.support import wait_until

pytestmark = pytest.mark.django_db

CSV_URL = reverse("public:entry-export-csv")
XLSX_URL = reverse("public:entry-export-xlsx")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8").lstrip("\ufeff"))))


def test_export_at_threshold_streams_as_before(client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 3
    ListedEntryFactory.create_batch(3)

    response = client.get(CSV_URL)

    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Disposition"] == 'attachment; filename="gongshi-entries.csv"'
    assert len(csv_rows(b"".join(response.streaming_content))) == 4
    assert ExportJob.objects.count() == 0


def test_export_above_threshold_answers_with_a_page_and_one_job(client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 2
    ListedEntryFactory.create_batch(3)

    response = client.get(CSV_URL, {"sort": "name"})

    job = ExportJob.objects.get()
    page = response.content.decode()
    job_url = reverse("public:export-job", args=[job.token])
    assert response.status_code == 202
    assert "正在准备导出文件" in page
    assert f'<meta http-equiv="refresh" content="5; url={job_url}">' in page
    assert f'href="{job_url}"' in page
    assert "<script>" not in page  # the CSP forbids inline scripts
    assert (job.format, job.status, job.language) == ("csv", "queued", "zh-hans")
    assert job.filters == {"scope": "listed", "sort": "name"}


def test_csv_download_decides_without_counting_every_row(client, settings):
    """Whether a CSV streams is decided by a count that stops past the threshold (at a
    million rows the full count kept the first byte past a second); the list's own count is
    used when the list was opened first, and the job page then says how many."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.EXPORT_STREAM_MAX_ROWS = 2
    ListedEntryFactory.create_batch(4)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(CSV_URL)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert response.status_code == 202
    assert len(counts) == 1
    assert "LIMIT 3" in counts[0]
    assert "本结果共" not in response.content.decode()

    client.get(reverse("public:entry-list"), {"district": "", "sort": "oldest"})
    response = client.get(CSV_URL, {"sort": "oldest"})
    assert "本结果共 4 条" in response.content.decode()


def test_identical_requests_share_one_job(client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 0
    settings.EXPORT_XLSX_STREAM_MAX_ROWS = 0
    ListedEntryFactory()

    client.get(CSV_URL, {"sort": "name", "q": ""}, REMOTE_ADDR="10.0.0.1")
    # The same filters spelt otherwise, from another client: the same job.
    client.get(CSV_URL, {"q": "", "sort": "name", "after": "x"}, REMOTE_ADDR="10.0.0.2")
    client.get(CSV_URL, {"sort": "newest"}, REMOTE_ADDR="10.0.0.2")
    client.get(XLSX_URL, {"sort": "name"}, REMOTE_ADDR="10.0.0.2")

    jobs = ExportJob.objects.order_by("id")
    assert [(job.format, job.filters["sort"]) for job in jobs] == [
        ("csv", "name"),
        ("csv", "newest"),
        ("xlsx", "name"),
    ]


def test_a_job_is_not_shared_after_the_reuse_window_or_a_failure(client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 0
    ListedEntryFactory()
    client.get(CSV_URL)
    first = ExportJob.objects.get()
    first.created_at = timezone.now() - datetime.timedelta(minutes=11)
    first.save(update_fields=["created_at"])

    client.get(CSV_URL)
    second = ExportJob.objects.exclude(pk=first.pk).get()
    second.status = "failed"
    second.save(update_fields=["status"])
    client.get(CSV_URL)

    assert ExportJob.objects.count() == 3


def test_job_creation_is_rate_limited_per_client(client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 0
    settings.EXPORT_JOBS_PER_HOUR = 2
    ListedEntryFactory()

    statuses = [
        client.get(CSV_URL, {"sort": sort}, REMOTE_ADDR="10.0.0.9").status_code
        for sort in ("newest", "oldest", "name")
    ]
    # Asking again for a job that exists costs nothing; another client is not affected.
    again = client.get(CSV_URL, {"sort": "newest"}, REMOTE_ADDR="10.0.0.9").status_code
    refused = client.get(CSV_URL, {"sort": "name"}, REMOTE_ADDR="10.0.0.9")
    other = client.get(CSV_URL, {"sort": "name"}, REMOTE_ADDR="10.0.0.10").status_code

    assert statuses == [202, 202, 429]
    assert (again, refused.status_code, other) == (202, 429, 202)
    assert "导出请求过于频繁" in refused.content.decode()
    assert ExportJob.objects.count() == 3


def test_xlsx_over_a_worksheet_is_refused_not_truncated(client, settings):
    settings.EXPORT_XLSX_MAX_ROWS = 2
    settings.EXPORT_XLSX_STREAM_MAX_ROWS = 0
    ListedEntryFactory.create_batch(3)

    response = client.get(XLSX_URL)
    below = client.get(XLSX_URL, {"disposition": "banned"})

    assert response.status_code == 400
    assert "Excel 工作表最多容纳 2 行数据，本结果有 3 条" in response.content.decode()
    assert "请下载 CSV" in response.content.decode()
    assert ExportJob.objects.count() == 0
    assert below.status_code == 200  # no rows: not refused, streamed


def test_xlsx_job_refuses_rows_past_a_worksheet(settings, media):
    # The rows grew past the limit after the request was accepted: the job fails with the
    # reason and leaves no file, rather than a sheet cut short.
    settings.EXPORT_XLSX_MAX_ROWS = 2
    ListedEntryFactory.create_batch(3)
    job = ExportJob.objects.create(
        key="1" * 64, filters={"scope": "listed"}, format="xlsx", language="zh-hans"
    )

    export_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.file.name, job.row_count) == ("failed", "", None)
    assert job.error.startswith("Excel 工作表最多容纳 2 行数据，本结果有 3 条")
    assert list(media.rglob("*.xlsx")) == []


def wait_finished(job: ExportJob, seconds: float = 60) -> ExportJob:
    def finished() -> bool:
        job.refresh_from_db()
        return job.finished_at is not None

    wait_until(finished, timeout=seconds, what=f"export job {job.pk} finishing")
    return job


@pytest.mark.django_db(transaction=True)
def test_worker_builds_the_same_file_as_the_streamed_export(client, settings, media, celery_worker):
    ListedEntryFactory(unit_name="=HYPERLINK(1)")
    ListedEntryFactory.create_batch(3)
    query = {"sort": "name"}
    settings.EXPORT_STREAM_MAX_ROWS = 10
    streamed = b"".join(client.get(CSV_URL, query).streaming_content)
    settings.EXPORT_STREAM_MAX_ROWS = 3

    accepted = client.get(CSV_URL, query)
    job = wait_finished(ExportJob.objects.get())
    page = client.get(reverse("public:export-job", args=[job.token])).content.decode()
    download = client.get(reverse("public:export-job-download", args=[job.token]))
    body = b"".join(download.streaming_content)

    assert accepted.status_code == 202
    assert (job.status, job.row_count, job.error) == ("done", 4, "")
    assert body == streamed
    assert len(csv_rows(body)) == 5
    assert "'=HYPERLINK(1)" in [row[3] for row in csv_rows(body)]
    assert job.sha256 == hashlib.sha256(body).hexdigest()
    assert download["Content-Disposition"] == 'attachment; filename="gongshi-entries.csv"'
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert "导出文件已准备好" in page
    assert 'http-equiv="refresh"' not in page  # done: no more refreshing
    assert "/media/" not in page  # served by a view, never from the media directory


@pytest.mark.django_db(transaction=True)
def test_worker_builds_xlsx_with_every_row(client, settings, media, celery_worker):
    settings.EXPORT_XLSX_STREAM_MAX_ROWS = 1
    entries = ListedEntryFactory.create_batch(3)

    client.get(XLSX_URL, {"sort": "oldest"})
    job = wait_finished(ExportJob.objects.get())
    download = client.get(reverse("public:export-job-download", args=[job.token]))

    rows = list(
        load_workbook(
            io.BytesIO(b"".join(download.streaming_content)), read_only=True
        ).active.iter_rows(values_only=True)
    )
    assert (job.status, job.row_count) == ("done", 3)
    assert sorted(row[0] for row in rows[1:]) == sorted(entry.pk for entry in entries)
    assert download["Content-Disposition"] == 'attachment; filename="gongshi-entries.xlsx"'


def test_download_of_an_unfinished_job_shows_its_page(client):
    job = ExportJob.objects.create(key="2" * 64, format="csv", language="zh-hans")

    response = client.get(reverse("public:export-job-download", args=[job.token]))

    assert response.status_code == 302
    assert response["Location"] == reverse("public:export-job", args=[job.token])
    assert client.get(reverse("public:export-job", args=["nosuchtoken"])).status_code == 404


def test_export_job_page_in_english(client, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 0
    ListedEntryFactory()
    client.cookies["django_language"] = "en"

    response = client.get(CSV_URL)

    page = response.content.decode()
    assert response.status_code == 202
    assert "Preparing your export" in page
    assert "This page refreshes itself every 5 seconds" in page
    assert ExportJob.objects.get().language == "en"


def test_purge_deletes_old_files_and_jobs(media):
    now = timezone.now()
    old = ExportJob.objects.create(
        key="3" * 64,
        format="csv",
        language="zh-hans",
        created_at=now - datetime.timedelta(hours=25),
    )
    old.file.save("old.csv", ContentFile(b"a"), save=True)
    recent = ExportJob.objects.create(
        key="4" * 64, format="csv", language="zh-hans", created_at=now - datetime.timedelta(hours=1)
    )
    recent.file.save("recent.csv", ContentFile(b"b"), save=True)
    # A file whose job's run was killed after saving it, two days old.
    orphan = default_storage.save("exports/orphan.csv", ContentFile(b"c"))
    two_days_ago = (now - datetime.timedelta(days=2)).timestamp()
    os.utime(default_storage.path(orphan), (two_days_ago, two_days_ago))

    deleted = export_files_purge(now=now)

    assert deleted == 2
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert sorted(p.name for p in (media / "exports").iterdir()) == ["recent.csv"]
    assert export_files_purge(now=now) == 0
