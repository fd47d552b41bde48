"""The outbox sweep notices a job whose worker died by its lease, which the worker renews while
it runs (a killed worker's notice waited for a fixed 5-minute expectation), and sends nothing
at every sweep; a job whose worker still renews is left alone however long it runs."""

import datetime

import pytest
from django.utils import timezone

from config.celery import app
from core.models import JobLease
from publicity.models import PublicationJob
from publicity.services import publication_jobs_redispatch
from tests.factories import BatchFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def minutes_ago(minutes):
    return NOW - datetime.timedelta(minutes=minutes)


@pytest.fixture(autouse=True)
def _empty_queue():
    yield
    app.control.purge()  # the jobs the sweep sent here are not for any worker


@pytest.mark.parametrize(
    ("dispatched", "started", "lease_left", "sent"),
    [
        (None, None, None, 1),  # never sent: the broker was down at commit
        (1, None, None, 0),  # sent a minute ago, waiting in the queue
        (11, None, None, 1),  # sent long ago and never started: the broker lost it
        (7, 6, 10, 0),  # started six minutes ago, its worker renews the lease: still running
        (2, 1, -1, 1),  # its lease ran out a second ago: its worker died
        (2, 1, None, 1),  # no lease: its run ended unfinished, or it started before leases
        (2, 7, -60, 0),  # sent again after a stale start: waits for the new send
    ],
)
def test_sweep_sends_lost_jobs_once(dispatched, started, lease_left, sent, settings):
    settings.PUBLICATION_JOB_REDISPATCH_MINUTES = 10
    job = PublicationJob.objects.create(
        batch=BatchFactory(),
        kind="letters",
        dispatched_at=None if dispatched is None else minutes_ago(dispatched),
        started_at=None if started is None else minutes_ago(started),
        attempts=0 if started is None else 1,
    )
    if lease_left is not None:
        JobLease.objects.create(
            key=f"publicity.publicationjob:{job.pk}",
            holder="worker-host:4242",
            taken_at=minutes_ago(started),
            expires_at=NOW + datetime.timedelta(seconds=lease_left),
        )

    assert publication_jobs_redispatch(now=NOW) == sent
    if sent:
        assert PublicationJob.objects.get(pk=job.pk).dispatched_at > NOW - datetime.timedelta(
            seconds=5
        )
