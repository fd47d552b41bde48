"""scripts/stack.py, which `make run` uses: Ctrl-C stops the processes one at a time, in an
order that keeps the worker's broker up until the worker is gone."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import wait_until

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("stack", ROOT / "scripts" / "stack.py")
assert _spec is not None
assert _spec.loader is not None
stack = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(stack)


def child(script: str, ready: Path) -> subprocess.Popen[bytes]:
    """A shell that runs until signalled; ``script`` is what it does on SIGTERM. Returned once
    its trap is set (it says so by creating ``ready``)."""
    process = subprocess.Popen(  # noqa: S603 - a fixed shell and script
        ["/bin/sh", "-c", f"trap '{script}' TERM; : > {ready}; while :; do sleep 0.05; done"],
        start_new_session=True,
    )
    wait_until(ready.exists, timeout=10, what="the shell's trap")
    return process


def test_stop_in_order_waits_for_each_before_stopping_the_next(tmp_path):
    record = tmp_path / "stopped"
    # The first takes longest to stop: signalled all at once, it would be recorded last.
    web = child(f"sleep 0.6; echo web >> {record}; exit 0", tmp_path / "web")
    beat = child(f"sleep 0.3; echo beat >> {record}; exit 0", tmp_path / "beat")
    worker = child(f"echo worker >> {record}; exit 0", tmp_path / "worker")

    stopped = stack.stop_in_order([("web", web), ("beat", beat), ("worker", worker)], timeout=5)

    assert stopped == [("web", 0), ("beat", 0), ("worker", 0)]
    assert record.read_text().split() == ["web", "beat", "worker"]


def test_stop_in_order_kills_a_child_that_ignores_sigterm_after_the_timeout(tmp_path):
    ready = tmp_path / "ready"
    # Ignored, SIGTERM stays ignored across exec: only SIGKILL ends the sleep.
    stubborn = subprocess.Popen(  # noqa: S603 - a fixed shell and command
        ["/bin/sh", "-c", f"trap '' TERM; : > {ready}; exec sleep 60"], start_new_session=True
    )
    wait_until(ready.exists, timeout=10, what="the shell's trap")
    already_gone = subprocess.Popen(["/bin/true"])  # noqa: S603
    already_gone.wait()

    stopped = stack.stop_in_order(
        [("stubborn", stubborn), ("gone", already_gone)], timeout=0.5, quiet=True
    )

    # Killed (not left to its 60 s sleep), and the next one reported after it.
    assert stopped == [("stubborn", -signal.SIGKILL), ("gone", 0)]


def test_stop_order_is_web_beat_worker():
    assert stack.STOP_ORDER == ("web", "beat", "worker")


@pytest.mark.skipif(not os.path.exists("/bin/sh"), reason="needs a POSIX shell")
def test_embedded_redis_is_not_stopped_by_the_terminals_ctrl_c():
    """Ctrl-C at the terminal signals the whole foreground process group. The embedded Redis
    runs in its own session, so it is stopped by stack.py (SIGTERM, after the worker), not
    by the terminal's SIGINT before the worker is gone."""
    log = ROOT / "var" / "redis" / "redis.log"
    offset = log.stat().st_size if log.exists() else 0
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = env.get("DATABASE_URL") or "postgres://unused"
    # Its own process group, standing for the terminal's foreground group.
    process = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, "scripts/stack.py", "env"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if b"servers up" in line:
            break
    else:
        pytest.fail("stack.py env did not bring Redis up")

    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does
    assert process.wait(timeout=20) == 0

    with log.open("rb") as lines:
        lines.seek(offset)
        shutdown = [line for line in lines.read().decode().splitlines() if "Received SIG" in line]
    assert len(shutdown) == 1
    assert "Received SIGTERM scheduling shutdown" in shutdown[0]


def test_startup_text_shows_each_login_once_aligned_and_the_url_last():
    from demo.city import DEMO_USERS
    from demo.management.commands.load_demo import logins_text

    output = (
        "Loaded the demo province in 23.1 s: 15 published batches, 407 entries.\n" + logins_text()
    )
    url = stack.shown_url("127.0.0.1", "8123")

    said, _header, logins = stack.demo_output_split(output)
    text = stack.startup_text(output, url=url, logs=[stack.LOG_DIR / "worker.log"])

    # What is printed while loading says how it went, without the logins...
    assert said.startswith("Loaded the demo province in ")
    assert not any(username in said.split() for username, _role, _place in DEMO_USERS)
    # ...which come once, with the URL, when everything is up.
    assert logins == DEMO_USERS
    lines = text.splitlines()
    login_lines = [line for line in lines if line.startswith("  ")]
    assert [line.split() for line in login_lines] == [list(login) for login in DEMO_USERS]
    # The roles in one column, however long the usernames, and the province or city each
    # login works in in another.
    assert (
        len(
            {
                line.index(role, len(user) + 2)
                for line, (user, role, _place) in zip(login_lines, DEMO_USERS, strict=True)
            }
        )
        == 1
    )
    assert (
        len({line.rindex(place) for line, (*_, place) in zip(login_lines, DEMO_USERS, strict=True)})
        == 1
    )
    assert {place for _user, _role, place in DEMO_USERS} == {"广东省", "惠州市", "河源市"}
    for username, _role, _place in DEMO_USERS:
        assert sum(line.split()[0] == username for line in login_lines) == 1
    # The URL is the last line: it stays on the screen.
    assert (
        lines[-1]
        == "Gongshi is up at http://127.0.0.1:8123/  (admin: http://127.0.0.1:8123/admin/)"
    )
    assert text.count("http://") == 2
    assert "Worker log: var/log/worker.log" in lines


def test_startup_url_of_a_server_on_every_interface_is_a_local_one():
    assert stack.shown_url("0.0.0.0", "9000") == "http://127.0.0.1:9000/"  # noqa: S104
    assert stack.shown_url("::1", "8000") == "http://[::1]:8000/"
    assert stack.shown_url("192.168.1.20", "8000") == "http://192.168.1.20:8000/"


def test_make_run_listens_where_host_and_port_say():
    assert stack.address({}) == ("127.0.0.1", "8000")
    assert stack.address({"PORT": "8080"}) == ("127.0.0.1", "8080")
    assert stack.address({"HOST": "0.0.0.0", "PORT": "9000"}) == ("0.0.0.0", "9000")  # noqa: S104


def test_readme_says_what_a_first_user_needs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # The first start installs and loads the demo: minutes, not seconds.
    assert "The first start takes a few minutes." in readme
    # Another port or address.
    assert "PORT=8080 make run" in readme
    assert "HOST=0.0.0.0 PORT=8080" in readme
    # A unit's access code: from the letter, downloaded on the staff case page, as labelled.
    assert "/unit/" in readme
    case_page = (ROOT / "templates" / "rectification" / "case_detail.html").read_text()
    for label in ("下载已签发的整改通知书", "重新签发整改通知书"):
        assert label in readme
        assert label in case_page
    # The suite's time, as docs/operations.md gives it.
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "the suite, about a minute" not in operations
    assert "about 10 minutes" in operations
