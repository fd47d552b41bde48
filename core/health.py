"""What a load balancer or a monitor asks of each web process: alive, and ready.

- ``/healthz`` (alive): the process answers HTTP. Its status depends on nothing else, so a
  restart is only ever decided on a process that is stuck, never on a dependency it shares
  with every other host; with replicas its body reports each database and the replicas' lag
  (core.replicas).
- ``/readyz`` (ready): this host can do its work: the database, the broker (jobs: letters,
  notices, exports) and the cache answer. 503 when any of them does not, and the JSON says
  which, so the load balancer stops sending to a host that would take an approval whose
  letters cannot be queued. Each check gives up after ``HEALTH_CHECK_TIMEOUT`` seconds, so a
  Redis that hangs does not hang the probe. The worker's heartbeat is reported, not checked:
  the workers are other processes, alerted on separately (docs/deploy.md).
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from core import replicas
from core.models import Heartbeat

logger = logging.getLogger(__name__)

WORKER_HEARTBEAT = "worker"  # core.tasks writes it


def _database() -> bool:
    # The pool lends a connection within DB_POOL_TIMEOUT or raises; the query itself is
    # bounded here, so a database that accepts but does not answer is "not ready" too.
    timeout_ms = str(int(settings.HEALTH_CHECK_TIMEOUT * 1000))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [timeout_ms])
            cursor.execute("SELECT 1")
    except Exception:  # Any failure of the database is "not ready"; the detail goes to the log.
        logger.exception("readyz: the database did not answer")
        return False
    return True


def _broker(url: str) -> bool:
    """One connection attempt to the Celery broker, as the workers and the outbox use it."""
    timeout = settings.HEALTH_CHECK_TIMEOUT
    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
    }
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as broker:
            # max_retries=0: one attempt; kombu's default retries for seconds.
            broker.ensure_connection(max_retries=0)
    except Exception:  # The transport's errors vary (kombu, redis-py, OSError): all "down".
        logger.warning("readyz: the broker did not answer", exc_info=True)
        return False
    return True


def _redis(url: str) -> bool:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        logger.warning("readyz: the cache did not answer", exc_info=True)
        return False
    finally:
        client.close()
    return True


def _worker_age() -> int | None:
    beat = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).first()
    if beat is None:
        return None
    return int((timezone.now() - beat.beat_at).total_seconds())


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Alive: this process serves requests (a liveness probe; restart it when this fails).
    With replicas, the body also says how the router sees each database (each replica asked
    now, within HEALTH_CHECK_TIMEOUT: reachable, streaming, its lag, whether public reads go
    to it); the status stays 200 whatever they say, since a replica's state is no reason to
    restart a web process."""
    body: dict[str, Any] = {"status": "ok"}
    if replicas.replica_aliases():
        body["databases"] = replicas.report()
    return JsonResponse(body)


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready: 200 when the database, the broker and the cache answer, else 503 with
    ``unreachable`` naming those that did not (a readiness probe; stop sending requests)."""
    checks = {
        "database": _database(),
        "broker": _broker(settings.CELERY_BROKER_URL),
        "cache": _redis(settings.CACHES["default"]["LOCATION"]),
    }
    body: dict[str, Any] = {name: "ok" if ok else "error" for name, ok in checks.items()}
    body["unreachable"] = [name for name, ok in checks.items() if not ok]
    # Seconds since a worker last ran the heartbeat job (every minute); null if never.
    body["worker_heartbeat_age_seconds"] = _worker_age() if checks["database"] else None
    ready = not body["unreachable"]
    body["status"] = "ok" if ready else "error"
    return JsonResponse(body, status=200 if ready else 503)
