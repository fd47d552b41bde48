"""The outbox of the batch workflow (``PublicationJob``): the documents a committed move must
have built, dispatched after commit and swept again every minute, so a broker that was down
at commit loses nothing and a worker that died is noticed."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.jobs import job_send
from publicity.models import Batch, PublicationJob

logger = logging.getLogger(__name__)

TASK_OF_KIND = {
    PublicationJob.Kind.LETTERS: "publicity.build_prior_notice_letters",
    PublicationJob.Kind.NOTICE: "publicity.build_notice",
}


def publication_job_enqueue(*, batch: Batch, kind: str) -> PublicationJob:
    """Write the job in the caller's transaction; send it to the broker after commit."""
    job, _created = PublicationJob.objects.get_or_create(batch=batch, kind=kind)
    transaction.on_commit(lambda: publication_job_dispatch(job_id=job.pk))
    return job


def publication_job_dispatch(*, job_id: int) -> bool:
    """Send one outbox job to the broker; False (and logged) if the broker cannot be reached.

    Called after commit and by the beat sweep. A broker that is down loses nothing: the row
    stays unfinished and the sweep sends it again.
    """
    job = PublicationJob.objects.filter(pk=job_id, finished_at__isnull=True).first()
    if job is None:
        return False
    if not job_send(TASK_OF_KIND[PublicationJob.Kind(job.kind)], job_id=job.pk):
        return False
    PublicationJob.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())
    return True


def publication_jobs_redispatch(*, now: datetime.datetime | None = None) -> int:
    """Send again every unfinished job never sent or sent too long ago; return how many."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.PUBLICATION_JOB_REDISPATCH_MINUTES)
    sent = 0
    for job_id in PublicationJob.objects.filter(finished_at__isnull=True).values_list(
        "pk", flat=True
    ):
        job = PublicationJob.objects.get(pk=job_id)
        if job.dispatched_at is None or job.dispatched_at < stale:
            sent += publication_job_dispatch(job_id=job_id)
    return sent


def publication_job_start(*, job_id: int) -> PublicationJob | None:
    """Record that a run began (committed at once: the started-marker); None if done/gone."""
    with transaction.atomic():
        job = PublicationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished_at is not None:
            return None
        job.started_at = timezone.now()
        job.attempts += 1
        job.save(update_fields=["started_at", "attempts"])
        return job
