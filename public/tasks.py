"""Celery tasks of the public site: the large downloads of the public list.

Their names stay "publicity.…", as they were before the public site became an app of its
own: queued jobs, the outbox (``publicity.services.outbox.EXPORT_TASK``) and the beat
schedule (config/celery.py) send them by name. Both are safe to run twice.
"""

from __future__ import annotations

import logging

from celery import shared_task

from public.export_jobs import export_files_purge, export_job_run

logger = logging.getLogger(__name__)


@shared_task(name="publicity.build_export")
def build_export(*, job_id: int) -> str:
    """Write the file of a large download of the public list (outbox job ``job_id``)."""
    job = export_job_run(job_id=job_id)
    if job is None:
        logger.info("export job %s is done or gone; nothing to do", job_id)
        return ""
    logger.info("export job %s: %s, %s rows", job_id, job.status, job.row_count)
    return str(job.status)


@shared_task(name="publicity.purge_exports")
def purge_exports() -> int:
    """Delete export files past their retention (beat: hourly). Safe to run twice."""
    deleted = export_files_purge()
    if deleted:
        logger.info("purged %s export files", deleted)
    return deleted
