"""Shared fixtures. Tests run against real PostgreSQL and Redis (DATABASE_URL, REDIS_URL;
``make test`` starts embedded servers when those are unset)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    # Each test starts with an empty cache in its own Redis key space.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread of this process, consuming from the real Redis broker.

    Job tests use ``transactional_db`` so the worker's own database connection sees the rows
    the test committed.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # Drop jobs left on the test broker by an earlier, interrupted run.
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker
