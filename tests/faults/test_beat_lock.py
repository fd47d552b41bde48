"""Two beats started at once, as on two hosts (issue 20, "Several hosts, one beat"): only the
one holding the lease in Redis (core.beat) sends the schedule, the other stands by; the
holder killed (SIGKILL), the other takes over within the lease's term; the holder stopped,
it gives the lease up and the other takes over at once; Redis restarted empty, one of them
takes the lease and the other stays standby.

No worker runs: the jobs stay in the broker's queue, each saying which process sent it (its
"origin" header), so the queue is the record of who sent what, in order. The outbox sweep
(every OUTBOX_SWEEP_SECONDS, here 1) is the short-interval entry watched."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
import redis

from tests.faults.conftest import start_beat, stop, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

TTL_SECONDS = 4
RENEW_SECONDS = 0.5
# Room for a loaded 2-core machine beyond the bound the lease promises (TTL + RENEW).
SLACK_SECONDS = 5
NAMES = ("first", "second")


def _env(fault_env: dict[str, str], ttl: float = TTL_SECONDS) -> dict[str, str]:
    return {
        **fault_env,
        "OUTBOX_SWEEP_SECONDS": "1",
        "BEAT_LOCK_TTL_SECONDS": str(ttl),
        "BEAT_LOCK_RENEW_SECONDS": str(RENEW_SECONDS),
    }


def _senders(url: str) -> list[int]:
    """The process id of the sender of each job in the broker's queue, oldest first."""
    client = redis.Redis.from_url(url)
    try:
        # kombu pushes on the left: the list is newest first.
        messages = client.lrange("celery", 0, -1)
    finally:
        client.close()
    origins = [json.loads(message)["headers"]["origin"] for message in reversed(messages)]
    # Celery names a sender that is not a worker "gen<pid>@<host>".
    return [int(origin.split("@")[0].removeprefix("gen")) for origin in origins]


def _log(directory: Path) -> str:
    return (directory / "beat.log").read_text(errors="replace")


def _in_turn(senders: list[int], first: int, second: int) -> bool:
    """All of ``first``'s jobs, then all of ``second``'s: never both in the same stretch."""
    return senders == [first] * senders.count(first) + [second] * senders.count(second)


def _two_beats(env: dict[str, str], tmp_path: Path, url: str):  # type: ignore[no-untyped-def]
    """The first beat started and sending, then the second started and standing by; each
    writes in a directory of its name."""
    for name in NAMES:
        (tmp_path / name).mkdir()
    first = start_beat(env, tmp_path / "first")
    wait_for(lambda: first.pid in _senders(url), what="the first beat's first job")
    second = start_beat(env, tmp_path / "second")
    wait_for(
        lambda: "beat: standby" in _log(tmp_path / "second"), what="the second beat standing by"
    )
    return first, second


def test_second_beat_sends_nothing_and_takes_over_when_the_holder_is_killed(
    fault_env, own_redis, tmp_path
):
    url = own_redis.url
    first = second = None
    try:
        first, second = _two_beats(_env(fault_env), tmp_path, url)
        # Five more sweeps (a second apart) while the second beat ticks beside the first.
        sent = len(_senders(url))
        wait_for(lambda: len(_senders(url)) >= sent + 5, what="five more jobs")
        assert set(_senders(url)) == {first.pid}

        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed = time.monotonic()
        wait_for(
            lambda: second.pid in _senders(url),
            timeout=TTL_SECONDS + RENEW_SECONDS + SLACK_SECONDS,
            what="the second beat's first job within the lease's term of the kill",
        )
        # The figure for docs/deploy.md (pytest -s); the bound is the wait's timeout.
        print(f"took over {time.monotonic() - killed:.1f} s after the kill (lease {TTL_SECONDS} s)")
        sent = len(_senders(url))
        wait_for(lambda: len(_senders(url)) >= sent + 3, what="three jobs of the second beat")
    finally:
        stop(first)
        stop(second)

    senders = _senders(url)
    assert _in_turn(senders, first.pid, second.pid)
    assert senders.count(second.pid) >= 3


def test_stopped_beat_gives_the_lease_up_at_once(fault_env, own_redis, tmp_path):
    url = own_redis.url
    # A term far longer than the wait below: only the lease given up lets the second send.
    env = _env(fault_env, ttl=120)
    first = second = None
    try:
        first, second = _two_beats(env, tmp_path, url)
        stop(first)
        assert first.returncode == 0
        wait_for(
            lambda: second.pid in _senders(url),
            timeout=RENEW_SECONDS + SLACK_SECONDS,
            what="the second beat's first job after the first stopped",
        )
    finally:
        stop(first)
        stop(second)

    assert _in_turn(_senders(url), first.pid, second.pid)


def test_redis_restarted_empty_leaves_one_beat_sending(fault_env, own_redis, tmp_path):
    url = own_redis.url
    first = second = None
    try:
        first, second = _two_beats(_env(fault_env), tmp_path, url)
        own_redis.stop()
        wait_for(
            lambda: all("Redis does not answer" in _log(tmp_path / name) for name in NAMES),
            what="both beats finding Redis gone",
        )
        # Back without the lease, and without the jobs sent before.
        own_redis.start()
        wait_for(lambda: len(_senders(url)) >= 8, what="eight jobs after Redis came back")
        # Read before either stops: the holder stopped gives the lease to the other.
        senders = _senders(url)
    finally:
        stop(first)
        stop(second)

    # Whichever beat ticked first took the lease; the other sent nothing.
    assert len(set(senders)) == 1
    assert senders[0] in {first.pid, second.pid}
