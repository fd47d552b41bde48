"""The reminder job on real Celery workers and Redis: moving the date forward through a case's
life, run twice a day; and a worker killed with SIGKILL in the middle of a sweep."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction

from config.celery import app
from rectification.models import Case, InboxMessage, Reminder
from rectification.tasks import send_reminders
from tests.rectification.test_reminders import (
    EXPECTED_LIFE,
    assert_life_sent_once,
    day,
    open_case,
    people,
)
from tests.support import subprocess_database_url, wait_until


def broker() -> redis.Redis:
    return redis.Redis.from_url(django_settings.REDIS_URL)


def wait_until_drained(timeout: float = 60.0) -> None:
    """Until the broker holds no waiting and no unacknowledged job (acks_late: a job is
    acknowledged after it ran)."""
    client = broker()
    wait_until(
        lambda: client.llen("celery") == 0 and client.hlen("unacked") == 0,
        timeout=timeout,
        what="the worker finishing its jobs",
    )


def wait_for(condition, timeout: float = 60.0) -> None:
    wait_until(condition, timeout=timeout)


@pytest.mark.django_db(transaction=True)
def test_send_reminders_on_a_real_worker_through_a_case_life(celery_worker, settings):
    settings.ESCALATE_AFTER_OVERDUE_DAYS = 14
    staff = people()
    case = open_case()
    for offset in range(-10, 16):
        send_reminders.delay(today=day(offset).isoformat())
        send_reminders.delay(today=day(offset).isoformat())
    wait_until_drained()
    case.refresh_from_db()
    assert case.escalated_at is not None
    assert_life_sent_once(case, staff)


def test_send_reminders_is_on_the_beat_schedule():
    entry = app.conf.beat_schedule["rectification-send-reminders"]
    assert entry["task"] == "rectification.send_reminders"
    assert entry["schedule"].hour == {7}
    assert entry["schedule"].minute == {0}


def _worker_process(tmp_path: Path, name: str) -> subprocess.Popen:
    """A Celery worker in its own process on the test database, mailing into files."""
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        # Ten cases per transaction, so the sweep commits in steps and can be killed between.
        "REMINDER_SWEEP_CHUNK": "10",
    }
    # A fixed command line: this interpreter running Celery.
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            "--loglevel=WARNING",
        ],
        env=env,
        cwd=django_settings.BASE_DIR,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _mailed(tmp_path: Path) -> list[tuple[str, str]]:
    """(To, Subject) of every message the worker processes wrote."""
    from email import message_from_string
    from email.header import decode_header, make_header

    sent = []
    for path in sorted((tmp_path / "mail").glob("*.log")):
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                message = message_from_string(raw.strip())
                subject = str(make_header(decode_header(message["Subject"])))
                sent.append((message["To"], subject))
    return sent


@pytest.mark.django_db(transaction=True)
def test_send_reminders_killed_mid_sweep_then_rerun_sends_each_once(tmp_path):
    client = broker()
    app.control.purge()
    client.delete("unacked", "unacked_index")
    staff = people()
    cases = [open_case() for _i in range(30)]
    today = day(-7).isoformat()
    blocked = cases[14]  # in the second chunk of ten
    first = _worker_process(tmp_path, "first")
    try:
        # Hold the lock a reminder row's foreign key needs on one case of the second chunk:
        # the worker commits the first chunk, then waits on the second until it is killed.
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=blocked.pk)
            send_reminders.delay(today=today)
            wait_for(lambda: Reminder.objects.count() == 10)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    # The killed run: the first chunk decided (rows and inbox), nothing emailed yet.
    assert Reminder.objects.count() == 10
    assert Reminder.objects.filter(emailed_at__isnull=False).count() == 0
    assert InboxMessage.objects.count() == 10
    assert _mailed(tmp_path) == []

    client.delete("unacked", "unacked_index")  # the killed job: not redelivered in this test
    second = _worker_process(tmp_path, "second")
    try:
        send_reminders.delay(today=today)
        wait_for(
            lambda: (
                Reminder.objects.filter(emailed_at__isnull=True).count() == 0
                and Reminder.objects.count() == 30
            )
        )
        wait_until_drained()
    finally:
        os.killpg(second.pid, signal.SIGKILL)
        second.wait(timeout=30)

    assert sorted(Reminder.objects.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)
    assert InboxMessage.objects.filter(recipient=staff["liaison"]).count() == 30
    assert InboxMessage.objects.count() == 30
    expected = sorted(
        (address, f"{c.enterprise.name} 的整改期限还有 7 天")
        for c in cases
        for address in ("boss@example.cn", "liaison@example.cn")
    )
    assert sorted(_mailed(tmp_path)) == expected
    assert mail.outbox == []  # everything went out from the worker processes
    assert len(EXPECTED_LIFE) == 7
