"""The cache backend: Django's Redis cache that degrades instead of failing.

The cache only saves work (pages, counts, the API throttle's counters); when Redis cannot be
reached every read is a miss and every write is dropped, so pages are computed from the
database and no request fails. The first error is logged, then Redis is left alone for
``RETRY_AFTER_SECONDS`` so an outage does not cost each request a connection timeout.
Callers that must know the difference (the attempt counter, core.ratelimit) ask
``available()`` or catch ``CacheUnavailable`` from ``incr``.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Errors of an unreachable or overloaded server (not of a bad command).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0


class CacheUnavailable(Exception):
    """Redis could not be reached: a counter could not be counted."""


# Per server (the LOCATION), for the whole process: the monotonic time before which the
# server is not tried again, and whether its outage was logged.
_down_until: dict[str, float] = {}
_logged: set[str] = set()
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    @property
    def _server_key(self) -> str:
        return ",".join(self._servers)  # type: ignore[attr-defined]  # set by RedisCache

    def available(self) -> bool:
        """False while this server is being left alone after an error."""
        return time.monotonic() >= _down_until.get(self._server_key, 0.0)

    def _failed(self, error: Exception) -> None:
        with _lock:
            _down_until[self._server_key] = time.monotonic() + RETRY_AFTER_SECONDS
            if self._server_key not in _logged:
                _logged.add(self._server_key)
                logger.error("cache unreachable, serving without it: %s", error)

    def _recovered(self) -> None:
        if self._server_key in _logged:
            with _lock:
                _logged.discard(self._server_key)
            logger.warning("cache reachable again")

    def _try(self, default: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        if not self.available():
            return default
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except UNREACHABLE as error:
            self._failed(error)
            return default
        self._recovered()
        return result

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._try(False, "add", key, value, timeout, version)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._try(default, "get", key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._try(None, "set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._try(False, "touch", key, timeout, version)

    def delete(self, key: Any, version: Any = None) -> Any:
        return self._try(False, "delete", key, version)

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._try({}, "get_many", keys, version)

    def has_key(self, key: Any, version: Any = None) -> Any:
        return self._try(False, "has_key", key, version)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> Any:
        return self._try(list(data), "set_many", data, timeout, version)

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._try(None, "delete_many", keys, version)

    def clear(self) -> Any:
        return self._try(False, "clear")

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        """Like Django's; raises CacheUnavailable (not a miss) when Redis is unreachable."""
        if not self.available():
            raise CacheUnavailable
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._failed(error)
            raise CacheUnavailable from error
