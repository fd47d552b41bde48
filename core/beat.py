"""One beat sends the schedule, however many are started: a lease in Redis.

Every beat process runs ``LeaseScheduler`` (settings.CELERY_BEAT_SCHEDULER). At each tick,
at least every BEAT_LOCK_RENEW_SECONDS, it takes or renews the lease: the Redis key
``gongshi:beat`` holding its name and expiring after BEAT_LOCK_TTL_SECONDS. It sends a due
job only in a tick that renewed it. A beat that does not hold it is the standby: it asks
again at each tick and leaves its schedule alone. Taking over, it sends once each entry that
fell due since its own last run of it (as Celery does after a restart), so a job due while
the holder was dying is not lost; the holder's runs of those are repeated, once, which every
job allows. A holder that stops gives the lease up, and the standby takes it at its next
tick; a holder that dies (SIGKILL, its host gone or cut off) keeps it until it expires, so
the standby takes over within TTL + RENEW seconds of the death (35 s by default).

Why Redis and not a PostgreSQL advisory lock: a session lock is released when the server
notices that the session is gone. For a killed process that is at once, but for a host that
lost power or its network it is when TCP keepalive gives up (over two hours by default)
unless every deployment tunes keepalives or idle_session_timeout, and through PgBouncer in
transaction mode (docs/deploy.md suggests it) a session lock is not held by the beat at all.
A lease that expires needs none of that, and it lives on the server beat sends to: a beat
that cannot reach Redis to renew could not have sent a job anyway.

What a failure does (docs/deploy.md says it too):
- Redis down: no beat can renew or take the lease, so none sends (none could: Redis is the
  broker). When Redis is back with the key (persisted, within its term) the holder renews
  it; back without it, the first beat to tick takes it and the other stays standby. Either
  way the holder then sends, once, each entry that fell due during the outage.
- Redis losing the key while the holder lives (a restart without persistence, a failover to
  a replica that had not received it): the standby may take it, and the old holder sees
  another name at its next renewal and stands by. Each send follows a renewal by
  milliseconds, so only a job sent in that instant could be sent by both.
- PostgreSQL down: the lease does not involve it; the holder sends as before.
- A holder frozen (a paused VM) longer than the term between renewing and sending could send
  a job the standby sends too. Every job is safe to run twice; the lease keeps two beats from
  sending every job twice, it is not a fence.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from typing import Any

import redis
from celery.beat import PersistentScheduler
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

LEASE_KEY = "gongshi:beat"
# A Redis that does not answer holds a tick up this long at most; the next tick asks again.
REDIS_TIMEOUT_SECONDS = 2.0

# Take the lease if it is free, renew it if it is ours; either way, answer who holds it.
_KEEP = """
local holder = redis.call('get', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[1], 'px', ARGV[2])
  return ARGV[1]
end
return holder
"""
# Give the lease up only if it is still ours.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class BeatLease:
    """The beat lease under this process's name ("host:pid:random")."""

    def __init__(self, url: str, *, ttl: float, key: str = LEASE_KEY) -> None:
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.key = key
        self.ttl = ttl
        # One attempt per call (redis-py retries for seconds by default): the next tick retries.
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        self._keep = client.register_script(_KEEP)
        self._release = client.register_script(_RELEASE)
        # time.monotonic() until which the lease is surely ours.
        self._valid_until = 0.0

    def keep(self) -> str:
        """Take the lease if it is free or renew it if it is ours; the name of its holder.
        Raises redis.RedisError if Redis does not answer (and the lease is not held)."""
        self._valid_until = 0.0
        # Redis counts the term from when the request arrives; we count from before it left.
        asked = time.monotonic()
        holder = str(self._keep(keys=[self.key], args=[self.name, round(self.ttl * 1000)]))
        if holder == self.name:
            self._valid_until = asked + self.ttl
        return holder

    def held(self) -> bool:
        return time.monotonic() < self._valid_until

    def release(self) -> None:
        """Give the lease up (if it is still ours), so a standby takes over at its next tick."""
        self._valid_until = 0.0
        self._release(keys=[self.key], args=[self.name])


class LeaseScheduler(PersistentScheduler):
    """Celery's scheduler (the schedule in config/celery.py, the last runs in the ``-s``
    file), sending only while it holds the beat lease."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lease = BeatLease(settings.REDIS_URL, ttl=settings.BEAT_LOCK_TTL_SECONDS)
        # What the last tick found (the holder's name, or None: Redis did not answer), so
        # each change is logged once.
        self._last_holder: str | None = ""
        super().__init__(*args, **kwargs)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        self._keep_lease()
        if not self.lease.held():
            # Celery's tick would advance the entries that fall due: a standby leaves them
            # due, to be sent when it takes over.
            return float(settings.BEAT_LOCK_RENEW_SECONDS)
        # Celery's tick sends at most one due entry, right after this renewal; it is called
        # again at once while more are due, and at the latest when the lease needs renewing.
        return min(super().tick(*args, **kwargs), settings.BEAT_LOCK_RENEW_SECONDS)

    def close(self) -> None:
        try:
            super().close()
        finally:
            try:
                self.lease.release()
            except redis.RedisError:
                logger.warning("beat: could not give the lease up; it expires by itself")

    def _keep_lease(self) -> None:
        try:
            holder: str | None = self.lease.keep()
        except redis.RedisError as error:
            holder = None
            if self._last_holder is not None:
                logger.warning("beat: Redis does not answer (%s); sending nothing", error)
        if holder != self._last_holder:
            if holder == self.lease.name:
                logger.info("beat: holds the lease %s as %s; sending", self.lease.key, holder)
            elif holder is not None:
                logger.info(
                    "beat: standby; the lease %s is held by %s, sending nothing until it is free",
                    self.lease.key,
                    holder,
                )
        self._last_holder = holder
