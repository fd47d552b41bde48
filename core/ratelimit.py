"""A fixed-window attempt counter in Redis, shared by every web process (any app may use it).

When Redis cannot be reached the count is kept in this process's memory instead: limits
still hold per web process (so a guesser gains at most the number of processes), and no
request fails for want of a counter (docs/security.md).
"""

from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from core.cache import CacheUnavailable

# The fallback counters of this process (bounded: LocMemCache culls its oldest keys).
_local = LocMemCache("gongshi-ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def _count(store: BaseCache, key: str, window: int) -> int:
    # add() starts the window only if none is running; incr() is atomic in Redis.
    store.add(key, 0, timeout=window)
    try:
        return int(store.incr(key))
    except ValueError:  # the window expired between add and incr: this is the first attempt
        store.set(key, 1, timeout=window)
        return 1


def rate_limit_hit(key: str, *, limit: int, window: int, store: BaseCache = cache) -> bool:
    """Count one attempt under ``key``; True once there were more than ``limit`` attempts in
    the ``window`` seconds since the first. ``store``: the shared cache (tests pass another)."""
    count = None
    if getattr(store, "available", lambda: True)():
        try:
            count = _count(store, key, window)
        except CacheUnavailable:
            count = None
    if count is None:
        count = _count(_local, key, window)
    return count > limit
