"""/healthz: what a load balancer or a monitor asks of each web process.

200 while the database answers (the site can serve), 503 when it does not. Redis and the
worker are reported but do not fail the check: without them the site still serves pages
(the cache degrades; jobs wait in the outbox), and a monitor alerts on them separately.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from core.models import Heartbeat

logger = logging.getLogger(__name__)

WORKER_HEARTBEAT = "worker"  # core.tasks writes it


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # Any failure of the database is "not ok"; the detail goes to the log.
        logger.exception("healthz: database check failed")
        return "error"
    return "ok"


def _redis(url: str) -> str:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except (redis.RedisError, OSError):
        return "error"
    return "ok"


def _worker_age(database_ok: bool) -> int | None:
    if not database_ok:
        return None
    beat = Heartbeat.objects.filter(name=WORKER_HEARTBEAT).first()
    if beat is None:
        return None
    return int((timezone.now() - beat.beat_at).total_seconds())


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database()
    body: dict[str, Any] = {
        "database": database,
        "redis": _redis(settings.REDIS_URL),
        "cache": _redis(settings.CACHE_URL),
        # Seconds since a worker last ran the heartbeat job (every minute); null if never.
        "worker_heartbeat_age_seconds": _worker_age(database == "ok"),
    }
    body["status"] = "ok" if database == "ok" else "error"
    return JsonResponse(body, status=200 if database == "ok" else 503)
