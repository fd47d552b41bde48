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
    """Send again every unfinished job that looks lost; return how many were sent.

    Lost: never sent (the broker was down at commit); sent but not started within
    PUBLICATION_JOB_REDISPATCH_MINUTES (the broker lost it); or started but not finished
    within PUBLICATION_JOB_EXPECTED_SECONDS (its worker died). A job sent again while its
    first run still goes waits on the job's row lock and then finds it finished, so a slow
    job is built once; only the latest send or start counts, so nothing is sent every minute.
    """
    now = now or timezone.now()
    not_started = now - datetime.timedelta(minutes=settings.PUBLICATION_JOB_REDISPATCH_MINUTES)
    not_finished = now - datetime.timedelta(seconds=settings.PUBLICATION_JOB_EXPECTED_SECONDS)
    sent = 0
    for job in PublicationJob.objects.filter(finished_at__isnull=True).only(
        "pk", "dispatched_at", "started_at"
    ):
        if job.dispatched_at is None:
            lost = True
        elif job.started_at is not None and job.started_at >= job.dispatched_at:
            lost = job.started_at < not_finished
        else:
            lost = job.dispatched_at < not_started
        if lost:
            sent += publication_job_dispatch(job_id=job.pk)
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
