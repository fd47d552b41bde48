"""A PostgreSQL primary and its streaming replica on this machine, made with the machine's own
PostgreSQL programs (Debian's, else those of the ``pgserver`` wheel): what the replica test
(tests/replicas) and the cluster script start, in directories of their own.

    node = Node.primary(directory, port)      # initdb, streaming replication allowed
    standby = Node.replica_of(node, directory2, port2)   # pg_basebackup -R, started
    standby.promote()                          # the standby becomes a primary

Run as root (this machine, CI), the servers run as the ``postgres`` user (initdb refuses
root), in directories handed to it.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "wal_level": "replica",
    "max_wal_senders": "5",
    "hot_standby": "on",
    # A standby answers queries while it replays; one that cancels them for replay's sake
    # gives the router's retry something to do, so keep the default (30 s) behaviour.
    "max_connections": "60",
    "shared_buffers": "64MB",
    "logging_collector": "off",
}


def binaries() -> Path:
    """The directory of initdb, pg_ctl and pg_basebackup: the newest of Debian's PostgreSQL,
    else the pgserver wheel's."""
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(found) / "pg_basebackup").exists():
            return Path(found)
    import pgserver  # type: ignore[import-untyped]

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _owner() -> list[str]:
    """The prefix that runs a PostgreSQL program as its owner: root hands it to postgres."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _prepare(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
        # The servers' owner must reach the directory through its parents.
        for parent in directory.parents:
            if parent == Path("/"):
                break
            mode = parent.stat().st_mode
            if not mode & 0o001:
                parent.chmod(mode | 0o001)


class Node:
    def __init__(self, directory: Path, port: int, log: Path) -> None:
        self.directory = directory
        self.port = port
        self.log = log
        self.bin = binaries()

    def run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - PostgreSQL's own programs, our arguments
            [*_owner(), str(self.bin / program), *args],
            check=check,
            capture_output=True,
            text=True,
        )

    # --- Making them --------------------------------------------------------------------

    @classmethod
    def primary(cls, directory: Path, port: int, extra: dict[str, str] | None = None) -> Node:
        node = cls(directory / "data", port, directory / "server.log")
        _prepare(directory)
        _prepare(node.directory)
        node.run(
            "initdb", "-D", str(node.directory), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync",
        )  # fmt: skip
        with (node.directory / "postgresql.conf").open("a") as conf:
            for name, value in {**SETTINGS, "port": str(port), **(extra or {})}.items():
                conf.write(f"{name} = {value}\n")
            conf.write(f"unix_socket_directories = '{node.directory}'\n")
        node.start()
        return node

    @classmethod
    def replica_of(cls, primary: Node, directory: Path, port: int) -> Node:
        node = cls(directory / "data", port, directory / "server.log")
        _prepare(directory)
        primary.run(
            "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
            "-D", str(node.directory), "-R", "-X", "stream", "--no-sync",
            "-c", "fast",
        )  # fmt: skip
        with (node.directory / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {port}\n")
            conf.write(f"unix_socket_directories = '{node.directory}'\n")
        node.start()
        return node

    # --- Running them -------------------------------------------------------------------

    def start(self) -> None:
        if os.geteuid() == 0 and not self.log.exists():
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self.run("pg_ctl", "-D", str(self.directory), "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` (clean), ``immediate`` (as a crash leaves it)."""
        self.run("pg_ctl", "-D", str(self.directory), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return self.run("pg_ctl", "-D", str(self.directory), "status", check=False).returncode == 0

    def promote(self) -> None:
        self.run("pg_ctl", "-D", str(self.directory), "-w", "promote")

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        result = self.run(
            "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
            "-Atqc", statement,
        )  # fmt: skip
        return result.stdout.strip()

    def wait_replayed(self, primary: Node, timeout: float = 30.0) -> None:
        """Wait until this standby has replayed everything the primary has written."""
        target = primary.sql("SELECT pg_current_wal_insert_lsn()")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t":
                return
            time.sleep(0.1)
        raise TimeoutError(f"the standby on port {self.port} did not replay up to {target}")
