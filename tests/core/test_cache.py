"""Redis unreachable: the cache answers misses and the attempt counter counts in memory,
instead of a 500 (issue 10); the page cache's keys are the normalised filters."""

import pytest
from django.urls import reverse

from core.cache import CacheUnavailable, ResilientRedisCache
from core.ratelimit import rate_limit_hit


@pytest.fixture
def dead_cache():
    # A port nothing listens on.
    return ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )


def test_unreachable_cache_reads_miss_and_writes_are_dropped(dead_cache):
    dead_cache.set("k", "v")

    assert (dead_cache.get("k"), dead_cache.get("k", "default")) == (None, "default")
    assert (dead_cache.add("k", 1), dead_cache.get_many(["k"]), dead_cache.available()) == (
        False,
        {},
        False,
    )
    with pytest.raises(CacheUnavailable):
        dead_cache.incr("k")


def test_rate_limit_counts_in_memory_when_the_cache_is_unreachable(dead_cache):
    hits = [rate_limit_hit("t:dead", limit=3, window=60, store=dead_cache) for _ in range(5)]

    assert hits == [False, False, False, True, True]


def test_rate_limit_counts_in_redis(settings):
    hits = [rate_limit_hit("t:live", limit=2, window=60) for _ in range(4)]

    assert hits == [False, False, True, True]


def test_page_cache_is_in_its_own_redis_database(settings):
    broker_db = settings.REDIS_URL.rsplit("/", 1)[-1]
    if not broker_db.isdigit():
        pytest.skip("a unix-socket Redis URL")

    assert settings.CACHES["default"]["LOCATION"].rsplit("/", 1)[-1] == str(int(broker_db) + 1)


@pytest.mark.django_db
def test_entry_list_caches_one_page_however_the_query_is_spelled(client):
    from django.core.cache import cache

    client.get(reverse("public:entry-list"))
    keys_before = set(cache._cache.get_client().keys("*"))
    for query in ["?district=", "?utm_source=x", "?q=&category=&foo=bar"]:
        client.get(reverse("public:entry-list") + query)

    assert set(cache._cache.get_client().keys("*")) == keys_before
