"""A fixed-window attempt counter in Redis, shared by every web process (any app may use it)."""

from django.core.cache import cache


def rate_limit_hit(key: str, *, limit: int, window: int) -> bool:
    """Count one attempt under ``key``; True once there were more than ``limit`` attempts in
    the ``window`` seconds since the first."""
    # add() starts the window only if none is running; incr() is atomic in Redis.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the window expired between add and incr: this is the first attempt
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
