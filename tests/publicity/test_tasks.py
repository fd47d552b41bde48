"""The site-counts job, run by a real Celery worker against real Redis and PostgreSQL."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from config.celery import app
from publicity.enums import BatchStatus
from publicity.models import Batch
from publicity.selectors import SITE_COUNTS_CACHE_KEY
from publicity.tasks import refresh_site_counts


@pytest.mark.django_db(transaction=True)
def test_refresh_site_counts_runs_on_a_real_worker(celery_worker):
    composer = User.objects.create_user("composer")
    approver = User.objects.create_user("approver")
    Batch.objects.create(
        status=BatchStatus.PUBLISHED,
        year=2009,
        number=1,
        composed_by=composer,
        approved_by=approver,
        published_on=datetime.date(2009, 3, 1),
        outlet="惠州日报",
    )
    Batch.objects.create(composed_by=composer)  # a draft: not counted

    refresh_site_counts.delay()

    counts = wait_for_cache(SITE_COUNTS_CACHE_KEY)
    assert counts == {
        "published_batches": 1,
        "exposed_units": 0,
        "listed_entries": 0,
        "cases_finished": 0,
        "cases_active": 0,
        "cases_overdue": 0,
    }


def test_celery_configuration_survives_worker_loss():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    # Sized to the longest job (15 min by default), not an hour: a dead worker costs minutes.
    assert app.conf.broker_transport_options["visibility_timeout"] == 900
    assert app.conf.beat_schedule["refresh-site-counts"]["task"] == "publicity.refresh_site_counts"
    assert "publicity.refresh_site_counts" in app.tasks


def wait_for_cache(key: str, timeout: float = 20.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cache.get(key)
        if value is not None:
            return value
        time.sleep(0.1)
    raise AssertionError(f"the worker did not write {key} within {timeout} s")
