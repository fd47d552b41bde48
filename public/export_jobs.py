"""Writes of the public downloads that are too large to stream: export jobs (导出任务).

A download of more rows than a request can send well inside the web timeout
(``EXPORT_STREAM_MAX_ROWS``) becomes an ``ExportJob``: written with its outbox dispatch in
one transaction (``publicity.services.outbox``, the publication jobs' outbox), built by a
worker (``publicity.build_export``) with the same row writer as the streamed download, and
served by a view. Requests for the same filters, format and language share one job for
``EXPORT_JOB_REUSE_MINUTES``; files are purged after ``EXPORT_FILE_RETENTION_HOURS``.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import tempfile
from contextlib import closing
from typing import IO
from urllib.parse import urlencode

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.ratelimit import rate_limit_hit
from public.exports import ExportTooLarge, csv_write, xlsx_too_large_message, xlsx_write
from public.filters import entries_filtered
from public.selectors import entry_export_rows
from public.sites import activated, site_for_slug
from publicity.enums import ExportFormat, ExportStatus
from publicity.models import ExportJob
from publicity.services.outbox import outbox_dispatch, outbox_start

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(class, key): requests for one export queue behind each other.
_EXPORT_LOCK = 0x657870  # "exp"
EXPORT_DIRECTORY = "exports"


# The key of ``ExportJob.filters`` holding the path of the city's site it was asked on.
SITE_FILTER = "site"


class ExportRefused(Exception):
    """A new export job this client may not start now; the message says what to do."""


def export_job_key(*, filters: dict[str, str], fmt: str, language: str) -> str:
    state = json.dumps([filters, fmt, language], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def export_job_request(
    *,
    filters: dict[str, str],
    fmt: str,
    language: str,
    client: str,
    now: datetime.datetime | None = None,
) -> ExportJob:
    """The job that builds this download: the latest one for the same filters, format and
    language if it was asked for within EXPORT_JOB_REUSE_MINUTES and has not failed, else a
    new one.

    ``filters``: the query string's filters, scope and sort (``filter_params`` plus those
    two). Side effects: a new job is one ExportJob row, sent to the broker after commit (the
    outbox sweep sends it again if the broker was down), and counts against the client's
    EXPORT_JOBS_PER_HOUR; reusing a job counts nothing. Raises ExportRefused past that limit.
    """
    now = now or timezone.now()
    if fmt not in ExportFormat.values:
        raise ExportRefused(_("不支持这种导出格式。"))
    key = export_job_key(filters=filters, fmt=fmt, language=language)
    with transaction.atomic():
        # A crowd asking for the same export at once: the second waits here for the first's
        # commit and then finds its job, so one file is made.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_EXPORT_LOCK, int(key[:7], 16)])
        since = now - datetime.timedelta(minutes=settings.EXPORT_JOB_REUSE_MINUTES)
        job = (
            ExportJob.objects.filter(key=key, created_at__gte=since)
            .exclude(status=ExportStatus.FAILED)
            .order_by("-created_at", "-id")
            .first()
        )
        if job is not None:
            return job
        if rate_limit_hit(
            f"public:export-rate:{client}", limit=settings.EXPORT_JOBS_PER_HOUR, window=3600
        ):
            raise ExportRefused(_("导出请求过于频繁，请一小时后再试，或缩小筛选范围后直接下载。"))
        job = ExportJob.objects.create(
            key=key, filters=filters, format=fmt, language=language, created_at=now
        )
        transaction.on_commit(lambda: outbox_dispatch(ExportJob, job_id=job.pk))
    return job


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Build the job's file (the task ``publicity.build_export``); None if done or gone.

    Safe to run twice: the run holds the job's row lock, so a second delivery waits and then
    finds it finished. A job that failed EXPORT_JOB_MAX_ATTEMPTS runs (its worker died each
    time) is given up as failed rather than sent again forever.
    """
    job = outbox_start(ExportJob, job_id=job_id, status=ExportStatus.RUNNING)
    if job is None:
        return None
    if job.attempts > settings.EXPORT_JOB_MAX_ATTEMPTS:
        return _export_job_finish(job, status=ExportStatus.FAILED, error=_("多次生成未能完成。"))
    return _export_job_build(job_id=job.pk)


@transaction.atomic
def _export_job_build(*, job_id: int) -> ExportJob:
    job = ExportJob.objects.select_for_update().get(pk=job_id)
    if job.finished_at is not None:
        return job
    # The site the download was asked on (public.sites): a city's site exports its entries.
    filters = dict(job.filters)
    site = site_for_slug(filters.pop(SITE_FILTER, ""))
    data = QueryDict(urlencode(filters))
    with translation.override(job.language), activated(site):
        _filter, queryset, _scope, sort = entries_filtered(data)
        with tempfile.TemporaryFile() as handle:
            # closing(): a refused XLSX leaves the row generator (and its savepoint) closed
            # before this transaction goes on.
            with closing(entry_export_rows(queryset=queryset, sort=sort)) as rows:
                try:
                    if job.format == ExportFormat.CSV:
                        count, digest = csv_write(handle, rows)
                    else:
                        count = xlsx_write(handle, rows)
                        digest = _file_sha256(handle)
                except ExportTooLarge:
                    too_large = True
                else:
                    too_large = False
            if too_large:
                return _export_job_finish(
                    job,
                    status=ExportStatus.FAILED,
                    error=xlsx_too_large_message(queryset.count()),
                )
            handle.seek(0)
            job.file.save(f"{job.token}.{job.format}", File(handle), save=False)
    job.row_count = count
    job.sha256 = digest
    return _export_job_finish(job, status=ExportStatus.DONE, extra=["file", "row_count", "sha256"])


def _file_sha256(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    handle.seek(0)
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _export_job_finish(
    job: ExportJob, *, status: str, error: str = "", extra: list[str] | None = None
) -> ExportJob:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", *(extra or [])])
    logger.info("export job %s: %s, %s rows", job.pk, status, job.row_count)
    return job


def export_files_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete export jobs made more than EXPORT_FILE_RETENTION_HOURS ago with their files,
    and any file under exports/ that old that no job names (a run killed after saving it);
    return how many files were deleted. Beat: hourly. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EXPORT_FILE_RETENTION_HOURS)
    deleted = 0
    for job in ExportJob.objects.filter(created_at__lt=cutoff).only("pk", "file"):
        if job.file.name and default_storage.exists(job.file.name):
            default_storage.delete(job.file.name)
            deleted += 1
        job.delete()
    if default_storage.exists(EXPORT_DIRECTORY):
        kept = set(ExportJob.objects.exclude(file="").values_list("file", flat=True))
        _directories, files = default_storage.listdir(EXPORT_DIRECTORY)
        for name in files:
            path = f"{EXPORT_DIRECTORY}/{name}"
            if path not in kept and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                deleted += 1
    return deleted
