"""The outbox: jobs written in the transaction that needs them, dispatched after commit and
swept again every minute, so a broker that was down at commit loses nothing and a worker
that died is noticed.

Two kinds of job use it: the batch workflow's documents (``PublicationJob``: letters and
the notice) and the public list's large downloads (``ExportJob``). Both keep the same
bookkeeping (``OutboxJob``: dispatched, started, attempts, finished) and go through the same
three functions here; only the task name differs. A run holds its job's lease (core.jobs)
while its worker lives: the sweep knows a dead worker by a lease that ran out.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any, TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.jobs import job_lease_key, job_lease_take, job_leases_lapsed, job_send
from publicity.models import Batch, ExportJob, OutboxJob, PublicationJob

logger = logging.getLogger(__name__)

_Job = TypeVar("_Job", bound=OutboxJob)

TASK_OF_KIND = {
    PublicationJob.Kind.LETTERS: "publicity.build_prior_notice_letters",
    PublicationJob.Kind.NOTICE: "publicity.build_notice",
}
EXPORT_TASK = "publicity.build_export"


def _task_name(job: OutboxJob) -> str:
    if isinstance(job, PublicationJob):
        return TASK_OF_KIND[PublicationJob.Kind(job.kind)]
    return EXPORT_TASK


def outbox_dispatch(model: type[OutboxJob], *, job_id: int) -> bool:
    """Send one outbox job to the broker; False (and logged) if the broker cannot be reached.

    Called after commit and by the beat sweep. A broker that is down loses nothing: the row
    stays unfinished and the sweep sends it again.
    """
    job = model._default_manager.filter(pk=job_id, finished_at__isnull=True).first()
    if job is None:
        return False
    if not job_send(_task_name(job), job_id=job.pk):
        return False
    model._default_manager.filter(pk=job.pk).update(dispatched_at=timezone.now())
    return True


def outbox_redispatch(model: type[OutboxJob], *, now: datetime.datetime | None = None) -> int:
    """Send again every unfinished job of ``model`` that looks lost; return how many were sent.

    Lost: never sent (the broker was down at commit); sent but not started within
    PUBLICATION_JOB_REDISPATCH_MINUTES (the broker lost it); or started and its lease ran out
    (its worker stopped renewing it: it died; core.jobs). A job whose worker still renews its
    lease is left alone however long it runs; one sent again waits for the new send, so
    nothing is sent at every sweep. A second run of a job waits on its row lock and then
    finds it finished, so a job sent twice is built once.
    """
    now = now or timezone.now()
    not_started = now - datetime.timedelta(minutes=settings.PUBLICATION_JOB_REDISPATCH_MINUTES)
    jobs = list(
        model._default_manager.filter(finished_at__isnull=True).only(
            "pk", "dispatched_at", "started_at"
        )
    )
    running = {
        job_lease_key(job): job
        for job in jobs
        if job.dispatched_at is not None
        and job.started_at is not None
        and job.started_at >= job.dispatched_at
    }
    lapsed = job_leases_lapsed(list(running), now=now)
    sent = 0
    for job in jobs:
        key = job_lease_key(job)
        if job.dispatched_at is None:
            lost = True
        elif key in running:
            lost = key in lapsed
        else:
            lost = job.dispatched_at < not_started
        if lost:
            sent += outbox_dispatch(model, job_id=job.pk)
    return sent


def outbox_start(model: type[_Job], *, job_id: int, **values: Any) -> _Job | None:
    """Record that a run began (committed at once: the started-marker), with ``values`` set
    in the same write, and take the job's lease for this worker; None if the job is done or
    gone."""
    with transaction.atomic():
        job = model._default_manager.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished_at is not None:
            return None
        job.started_at = timezone.now()
        job.attempts += 1
        for name, value in values.items():
            setattr(job, name, value)
        job.save(update_fields=["started_at", "attempts", *values])
        job_lease_take(job_lease_key(job))
        return job


def outbox_jobs_redispatch(*, now: datetime.datetime | None = None) -> int:
    """The beat sweep over every kind of outbox job."""
    return outbox_redispatch(PublicationJob, now=now) + outbox_redispatch(ExportJob, now=now)


# --- The batch workflow's documents ----------------------------------------------------------


def publication_job_enqueue(*, batch: Batch, kind: str) -> PublicationJob:
    """Write the job in the caller's transaction; send it to the broker after commit."""
    job, _created = PublicationJob.objects.get_or_create(batch=batch, kind=kind)
    transaction.on_commit(lambda: publication_job_dispatch(job_id=job.pk))
    return job


def publication_job_dispatch(*, job_id: int) -> bool:
    return outbox_dispatch(PublicationJob, job_id=job_id)


def publication_jobs_redispatch(*, now: datetime.datetime | None = None) -> int:
    return outbox_redispatch(PublicationJob, now=now)


def publication_job_start(*, job_id: int) -> PublicationJob | None:
    return outbox_start(PublicationJob, job_id=job_id)
