"""The outbox sweep notices a job that was started but not finished within its expected run
time (its worker died), without sending a job every minute (issue 10: re-sent only after
11 minutes)."""

import datetime

import pytest
from django.utils import timezone

from config.celery import app
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
    ("dispatched", "started", "sent"),
    [
        (None, None, 1),  # never sent: the broker was down at commit
        (1, None, 0),  # sent a minute ago, waiting in the queue
        (11, None, 1),  # sent long ago and never started: the broker lost it
        (7, 6, 1),  # started six minutes ago, still unfinished: its worker died
        (3, 2, 0),  # started two minutes ago: still running
        (7, 6.5, 1),
        (2, 7, 0),  # sent again after a stale start: waits for the new send
    ],
)
def test_sweep_sends_lost_jobs_once(dispatched, started, sent, settings):
    settings.PUBLICATION_JOB_EXPECTED_SECONDS = 5 * 60
    settings.PUBLICATION_JOB_REDISPATCH_MINUTES = 10
    job = PublicationJob.objects.create(
        batch=BatchFactory(),
        kind="letters",
        dispatched_at=None if dispatched is None else minutes_ago(dispatched),
        started_at=None if started is None else minutes_ago(started),
        attempts=0 if started is None else 1,
    )

    assert publication_jobs_redispatch(now=NOW) == sent
    if sent:
        assert PublicationJob.objects.get(pk=job.pk).dispatched_at > NOW - datetime.timedelta(
            seconds=5
        )
