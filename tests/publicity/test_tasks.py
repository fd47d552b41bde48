"""The site-tallies job, run by a real Celery worker against real Redis and PostgreSQL."""

import pytest

from config.celery import app
from publicity.models import CaseTally, EntryTally, ExposedUnitTally
from publicity.selectors import site_counts_compute
from publicity.tasks import compact_site_tallies
from tests.factories import ListedEntryFactory
from tests.support import wait_until


@pytest.mark.django_db(transaction=True)
def test_compact_site_tallies_runs_on_a_real_worker(celery_worker):
    # Three entries of one district, one deadline, three units: each statement wrote its own
    # row of the same four keys (entries listed; cases open, and open by that deadline; units).
    for _ in range(3):
        ListedEntryFactory()
    before = site_counts_compute()

    compact_site_tallies.delay()

    assert wait_for_rows() == [1, 2, 1]
    assert site_counts_compute() == before
    assert before["listed_entries"] == 3


def test_celery_configuration_survives_worker_loss():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    # Sized to the longest job (15 min by default), not an hour: a dead worker costs minutes.
    assert app.conf.broker_transport_options["visibility_timeout"] == 900
    schedule = app.conf.beat_schedule["compact-site-tallies"]
    assert schedule["task"] == "publicity.compact_site_tallies"
    assert "publicity.compact_site_tallies" in app.tasks


def wait_for_rows(timeout: float = 20.0) -> list[int]:
    """The rows of the three tallies once the worker merged them (or as they are at timeout)."""
    import contextlib

    def rows() -> list[int]:
        return [m.objects.count() for m in (EntryTally, CaseTally, ExposedUnitTally)]

    # What the test asserts is the rows; past the timeout, as they are.
    with contextlib.suppress(AssertionError):
        wait_until(lambda: rows() != [3, 6, 3], timeout=timeout, what="the merge")
    return rows()
