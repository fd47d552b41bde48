"""Enqueueing jobs by task name, so a service never imports a tasks module (no import circles:
tasks import services, services name tasks); the leases by which a sweep knows that a running
job's worker died."""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
import time
from collections.abc import Collection
from typing import Any

from celery.signals import task_postrun
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from core.models import JobLease

logger = logging.getLogger(__name__)

# After the broker failed, sends are refused at once for this many seconds instead of each
# costing a connection attempt (redis-py retries for about two seconds): a web request that
# commits a move during an outage stays fast, and the outbox sweep sends the job later.
BROKER_RETRY_AFTER_SECONDS = 10.0
_broker_down_until = 0.0


def job_send(task_name: str, **kwargs: Any) -> bool:
    """Send one job to the broker now; False (and logged) if the broker cannot be reached.

    Never retries: a caller that must not lose the job keeps an outbox row and sends it again
    later (publicity.PublicationJob); the others are re-run by hand or by their beat sweep.
    """
    from celery import current_app

    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.warning("job %s%s not sent; the broker was unreachable just now", task_name, kwargs)
        return False
    try:
        current_app.send_task(task_name, kwargs=kwargs, retry=False)
    except Exception:  # The broker's errors vary by transport; any of them means "later".
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.exception("job %s%s not sent; the broker is unreachable", task_name, kwargs)
        return False
    return True


def job_send_on_commit(task_name: str, **kwargs: Any) -> None:
    """Send the job once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: job_send(task_name, **kwargs))


# --- Leases: how a sweep knows that a running job's worker died -----------------------------
#
# A run takes its job's lease when it starts (in the transaction that records the start); a
# thread of the worker process renews it every JOB_LEASE_RENEW_SECONDS while the Celery task
# runs; the task's end gives it up. A lease that ran out therefore means the process stopped
# (SIGKILL, out of memory, host gone) within about JOB_LEASE_SECONDS, however long a healthy
# run takes: a sweep sends such a job again at once, and never one whose worker still renews.
# (The broker's own redelivery waits for the visibility timeout, which must stay longer than
# the longest job; docs/operations.md.)


def job_lease_key(job: models.Model) -> str:
    """The lease's name for a job row: "<app>.<model>:<pk>"."""
    return f"{job._meta.label_lower}:{job.pk}"


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _current_task_id() -> str | None:
    from celery import current_task

    if not current_task:  # a proxy of the running task: false outside one
        return None
    return current_task.request.id  # type: ignore[no-any-return]  # celery is untyped here


def job_lease_take(key: str) -> None:
    """Take the lease of ``key`` for this process until JOB_LEASE_SECONDS from now, in the
    caller's transaction (with the job's started-marker).

    Side effects: inside a Celery task, once the transaction commits, this process renews the
    lease every JOB_LEASE_RENEW_SECONDS until the task ends, then gives it up (deleted when the
    task succeeded; kept until JOB_FAILED_RETRY_SECONDS from then when it failed, so a job that
    fails is tried again at that pace, not at every sweep). Outside a task nothing renews it.
    """
    now = timezone.now()
    JobLease.objects.update_or_create(
        key=key,
        defaults={
            "holder": _holder(),
            "taken_at": now,
            "expires_at": now + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS),
        },
    )
    task_id = _current_task_id()
    if task_id is not None:
        transaction.on_commit(lambda: _keeper().hold(key, task_id))


def job_leases_lapsed(keys: Collection[str], *, now: datetime.datetime) -> set[str]:
    """Of ``keys``, those whose lease ran out by ``now`` or that have none (their run ended,
    or started before leases existed): their jobs are not being run by anyone."""
    alive = JobLease.objects.filter(key__in=keys, expires_at__gte=now).values_list("key", flat=True)
    return set(keys) - set(alive)


class _LeaseKeeper:
    """The thread of one worker process that renews the leases its running tasks hold."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._held: dict[str, str] = {}  # lease key -> id of the task that holds it
        self._thread = threading.Thread(target=self._run, name="job-lease-keeper", daemon=True)
        self._thread.start()

    def hold(self, key: str, task_id: str) -> None:
        with self._lock:
            self._held[key] = task_id

    def release(self, task_id: str) -> list[str]:
        with self._lock:
            keys = [key for key, holder in self._held.items() if holder == task_id]
            for key in keys:
                del self._held[key]
        return keys

    def _run(self) -> None:
        while True:
            time.sleep(settings.JOB_LEASE_RENEW_SECONDS)
            with self._lock:
                keys = list(self._held)
            if keys:
                self._renew(keys)

    @staticmethod
    def _renew(keys: list[str]) -> None:
        expires = timezone.now() + datetime.timedelta(seconds=settings.JOB_LEASE_SECONDS)
        try:
            JobLease.objects.filter(key__in=keys, holder=_holder()).update(expires_at=expires)
        except Exception:  # The database may be away for a moment: the next renewal tries again.
            logger.exception("job leases %s not renewed", keys)
        finally:
            connection.close()  # this thread's connection, back to the pool between renewals


_keepers: dict[int, _LeaseKeeper] = {}
_keepers_lock = threading.Lock()


def _keeper() -> _LeaseKeeper:
    # One per process, started in the process that uses it: a thread does not survive the
    # fork of a prefork pool's child.
    with _keepers_lock:
        keeper = _keepers.get(os.getpid())
        if keeper is None:
            keeper = _keepers[os.getpid()] = _LeaseKeeper()
        return keeper


@task_postrun.connect(dispatch_uid="core.jobs.release_leases")
def _release_leases(task_id: str, state: str | None = None, **_kwargs: Any) -> None:
    keeper = _keepers.get(os.getpid())
    keys = keeper.release(task_id) if keeper is not None else []
    if not keys:
        return
    leases = JobLease.objects.filter(key__in=keys, holder=_holder())
    if state == "SUCCESS":
        leases.delete()
    else:
        retry = timezone.now() + datetime.timedelta(seconds=settings.JOB_FAILED_RETRY_SECONDS)
        leases.update(expires_at=retry)
