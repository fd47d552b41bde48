"""The cache backend: Django's Redis cache that degrades instead of failing.

The cache only saves work (pages, counts, the API throttle's counters); when Redis cannot be
reached every read is a miss and every write is dropped, so pages are computed from the
database and no request fails. The first error is logged, then Redis is left alone for
``RETRY_AFTER_SECONDS`` so an outage does not cost each request a connection timeout.
Callers that must know the difference (the attempt counter, core.ratelimit) ask
``available()`` or catch ``CacheUnavailable`` from ``incr``.

Whole pages are kept as bytes, not pickled objects (``get_value_and_bytes``,
``set_bytes_bounded``): read with one command on one client per process, so serving a cached
page costs one round trip and no unpickling; they degrade the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, cast

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisSerializer
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
# One client (and connection pool) per server for the whole process, for the bytes of whole
# pages: Django's cache objects are per thread, each with pools of its own.
_byte_clients: dict[str, redis.Redis] = {}
# Values written by Django's cache (get_value_and_bytes reads one beside the bytes).
_serializer = RedisSerializer()


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

    def _byte_client(self) -> redis.Redis:
        client = _byte_clients.get(self._server_key)
        if client is None:
            # The cache's own connection options (timeouts), without Django's client options.
            options = {
                name: value
                for name, value in self._options.items()  # type: ignore[attr-defined]
                if name not in {"serializer", "pool_class", "parser_class"}
            }
            pool = redis.ConnectionPool.from_url(self._servers[0], **options)  # type: ignore[attr-defined]
            with _lock:
                client = _byte_clients.setdefault(
                    self._server_key, redis.Redis(connection_pool=pool)
                )
        return client

    def get_value_and_bytes(self, value_key: str, bytes_key: str) -> tuple[Any, bytes | None]:
        """In one round trip (MGET): the value ``set()`` stored under ``value_key`` and the
        bytes ``set_bytes_bounded()`` stored under ``bytes_key``; (None, None) when Redis is
        unreachable."""
        if not self.available():
            return None, None
        try:
            keys = [self.make_and_validate_key(value_key), self.make_and_validate_key(bytes_key)]
            # A client without decode_responses: bytes or None.
            value, stored = cast(list[bytes | None], self._byte_client().mget(keys))
        except UNREACHABLE as error:
            self._failed(error)
            return None, None
        self._recovered()
        return (None if value is None else _serializer.loads(value)), stored

    def set_bytes_bounded(
        self, key: str, data: bytes, timeout: int, *, counter_key: str | None, bound: int = 0
    ) -> bool:
        """Store ``data`` under ``key`` for ``timeout`` seconds unless ``counter_key`` has
        already counted ``bound`` stores within its own ``timeout`` (no ``counter_key``:
        stored regardless); whether it was stored."""
        if not self.available():
            return False
        try:
            client = self._byte_client()
            if counter_key is not None:
                counter = self.make_and_validate_key(counter_key)
                pipeline = client.pipeline(transaction=False)
                pipeline.set(counter, 0, ex=timeout, nx=True)
                pipeline.incr(counter)
                _created, count = pipeline.execute()
                if count > bound:
                    return False
            client.set(self.make_and_validate_key(key), data, ex=timeout)
        except UNREACHABLE as error:
            self._failed(error)
            return False
        self._recovered()
        return True

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> Any:
        """Like Django's; raises CacheUnavailable (not a miss) when Redis is unreachable."""
        if not self.available():
            raise CacheUnavailable
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._failed(error)
            raise CacheUnavailable from error
