"""Celery tasks of the publicity app: thin wrappers around services.

Every task here is safe to run twice: a killed worker's job is given back to the broker
(acks_late, reject_on_worker_lost) and run again by another worker.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from publicity.services import (
    entries_term_end,
    letters_build,
    notice_job_run,
    outbox_jobs_redispatch,
    preview_build,
    publication_job_start,
    site_tallies_compact,
)

logger = logging.getLogger(__name__)


@shared_task(name="publicity.compact_site_tallies")
def compact_site_tallies() -> int:
    """Merge the rows of the home page's tallies, key by key (beat: every five minutes).
    Safe to run twice."""
    removed = site_tallies_compact()
    logger.info("site tallies compacted: %s rows merged away", removed)
    return removed


@shared_task(name="publicity.build_prior_notice_letters")
def build_prior_notice_letters(*, job_id: int) -> int:
    """Build the prior-notice letters of an approved batch (outbox job ``job_id``)."""
    job = publication_job_start(job_id=job_id)
    if job is None:
        logger.info("letters job %s is done or gone; nothing to do", job_id)
        return 0
    built = letters_build(job=job)
    logger.info("letters job %s: %s letters built", job_id, built)
    return built


@shared_task(name="publicity.build_notice")
def build_notice(*, job_id: int) -> str:
    """Build the newspaper notice of a finalised batch (outbox job ``job_id``)."""
    job = publication_job_start(job_id=job_id)
    if job is None:
        logger.info("notice job %s is done or gone; nothing to do", job_id)
        return ""
    digest = notice_job_run(job=job)
    logger.info("notice job %s: sha256 %s", job_id, digest)
    return digest


@shared_task(name="publicity.build_preview")
def build_preview(*, batch_id: int) -> str:
    """Build the reviewers' preview of a batch as it stands (asked for from its page)."""
    name = preview_build(batch_id=batch_id)
    logger.info("preview of batch %s: %s", batch_id, name or "not needed")
    return name or ""


@shared_task(name="publicity.dispatch_publication_jobs")
def dispatch_publication_jobs() -> int:
    """Send again the outbox jobs (letters, notice, exports) that never reached a worker or
    whose worker died (beat: every OUTBOX_SWEEP_SECONDS), e.g. because the broker was down at
    commit."""
    sent = outbox_jobs_redispatch()
    if sent:
        logger.info("re-dispatched %s outbox jobs", sent)
    return sent


@shared_task(name="publicity.end_expired_listings")
def end_expired_listings() -> int:
    """End the public listing of entries whose publicity term ran out (beat: daily).

    One UPDATE; running it twice changes nothing the second time.
    """
    removed = entries_term_end(today=timezone.localdate())
    logger.info("publicity term: %d entries left the public list", removed)
    return removed
