"""A PostgreSQL primary and its streaming standby of the tests' own (scripts/postgres_pair.py),
both logging every statement, the project's tables migrated on the primary; a Redis of the
test's own (the fault tests' fixture); the environment of the processes served on them, and
a visitor of their site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.faults.conftest import OwnRedis, Site, _NoRedirect, free_port
from tests.faults.conftest import own_redis as redis  # noqa: F401 - the fixture, by this name

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from postgres_pair import Node  # noqa: E402

BASE_DIR = Path(__file__).resolve().parents[2]


class Pair:
    def __init__(self, root: Path) -> None:
        self.primary = Node.primary(
            root / "primary", free_port(), extra={"log_statement": "'all'", "fsync": "off"}
        )
        self.primary.sql("CREATE DATABASE gongshi")
        env = {**os.environ, "DATABASE_URL": self.primary.url("gongshi")}
        env.pop("DATABASE_REPLICA_URLS", None)
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=BASE_DIR, env=env, check=True, timeout=600,
        )  # fmt: skip
        self.replica = Node.replica_of(self.primary, root / "replica", free_port())
        self.replica.wait_replayed(self.primary)

    def ran(self, node: Node, word: str) -> bool:
        """Whether ``node`` logged a statement holding ``word``."""
        return word in node.log.read_text(errors="replace")

    def where(self, word: str) -> list[str]:
        return [
            name for name, node in (("primary", self.primary), ("replica", self.replica))
            if self.ran(node, word)
        ]  # fmt: skip

    def stop(self) -> None:
        self.replica.stop("immediate")
        self.primary.stop("immediate")


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    root = Path(tempfile.mkdtemp(prefix="gongshi-replicas-"))
    root.chmod(0o755)
    made = Pair(root)
    yield made
    made.stop()
    shutil.rmtree(root, ignore_errors=True)


# The city's public site: a one-city database serves it under its path.
LIST = "/huizhou/entries/"


def environment(pair: Pair, broker: OwnRedis, tmp_path: Path, **settings: str) -> dict[str, str]:
    """The processes' environment: the primary, the standby as a replica, the test's Redis,
    a media directory of the test's own; ``settings`` on top."""
    media = tmp_path / "media"
    media.mkdir(exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": pair.primary.url("gongshi"),
        "DATABASE_REPLICA_URLS": pair.replica.url("gongshi"),
        "REPLICA_MAX_LAG_SECONDS": "2",
        "REPLICA_CHECK_SECONDS": "0.2",
        "REPLICA_PIN_SECONDS": "30",
        "REDIS_URL": broker.url,
        "CELERY_BROKER_URL": broker.url,
        "CACHE_URL": f"redis://127.0.0.1:{broker.port}/1",
        "MEDIA_ROOT": str(media),
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        **settings,
    }


class Visitor(Site):
    """Another person on the same server: a cookie jar of their own (and no server to
    start); ``cookie`` sends a session of theirs."""

    def __init__(self, site: Site, cookie: str = "") -> None:  # noqa: D107 - no server started
        self.base = site.base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        if cookie:
            self.opener.addheaders.append(("Cookie", cookie))
