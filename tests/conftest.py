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
