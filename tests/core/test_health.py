"""/healthz: database, Redis and the worker's heartbeat (issue 10: there was no health check)."""

import pytest
from django.urls import reverse

from core.models import Heartbeat
from tests.support import wait_until


@pytest.mark.django_db
def test_healthz_reports_database_and_redis_and_no_heartbeat_yet(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "redis": "ok",
        "cache": "ok",
        "worker_heartbeat_age_seconds": None,
        "status": "ok",
    }


def test_healthz_reports_the_age_of_the_worker_heartbeat(client, celery_worker):
    from config.celery import app

    app.send_task("core.heartbeat")
    wait_until(
        Heartbeat.objects.filter(name="worker").exists, timeout=10, what="the worker's heartbeat"
    )

    body = client.get(reverse("healthz")).json()

    assert body["worker_heartbeat_age_seconds"] in (0, 1, 2)


@pytest.mark.django_db
def test_healthz_says_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get(reverse("healthz"))

    assert (response.status_code, response.json()["redis"]) == (200, "error")
