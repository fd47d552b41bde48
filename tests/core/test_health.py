"""/healthz (alive) and /readyz (ready: database, broker, cache). /healthz used to say ok
while Redis and the cache were unreachable, so a load balancer kept a host that could not
queue a job: /readyz says 503 and which one, against real closed and silent ports."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.urls import reverse

from core.models import Heartbeat
from tests.support import wait_until


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers: a Redis that hangs."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield int(server.getsockname()[1])


def _cache_at(settings, url: str) -> None:
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}


@pytest.mark.django_db
def test_healthz_says_alive_without_asking_anything_else(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get(reverse("healthz"))

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


@pytest.mark.django_db
def test_readyz_reports_database_broker_cache_and_no_heartbeat_yet(client):
    response = client.get(reverse("readyz"))

    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "broker": "ok",
        "cache": "ok",
        "unreachable": [],
        "worker_heartbeat_age_seconds": None,
        "status": "ok",
    }


def test_readyz_reports_the_age_of_the_worker_heartbeat(client, celery_worker):
    from config.celery import app

    app.send_task("core.heartbeat")
    wait_until(
        Heartbeat.objects.filter(name="worker").exists, timeout=10, what="the worker's heartbeat"
    )

    body = client.get(reverse("readyz")).json()

    assert body["worker_heartbeat_age_seconds"] in (0, 1, 2)


@pytest.mark.django_db
def test_readyz_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert (response.json()["unreachable"], response.json()["broker"]) == (["broker"], "error")


@pytest.mark.django_db
def test_readyz_is_503_when_the_cache_is_unreachable(client, settings):
    _cache_at(settings, f"redis://127.0.0.1:{_closed_port()}/1")

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert (response.json()["unreachable"], response.json()["status"]) == (["cache"], "error")


@pytest.mark.django_db
def test_readyz_answers_when_broker_and_cache_hang(client, settings, silent_port):
    # Each check gives up after HEALTH_CHECK_TIMEOUT instead of waiting on the silent server.
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent_port}/0"
    _cache_at(settings, f"redis://127.0.0.1:{silent_port}/1")

    response = client.get(reverse("readyz"))

    assert response.status_code == 503
    assert response.json()["unreachable"] == ["broker", "cache"]
    assert response.json()["database"] == "ok"
