"""A PostgreSQL primary and its streaming standby of the tests' own (scripts/postgres_pair.py),
both logging every statement, the project's tables migrated on the primary; and a Redis of
the test's own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.conftest import OwnRedis, free_port

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


@pytest.fixture
def redis(tmp_path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()
