"""A worker killed (SIGKILL) in the middle of the notice (issue 10: the job waited 3,600 s in
Redis, then the outbox re-sent it after 11 minutes): the job is given back within the
visibility timeout and built exactly once when a worker is back."""

from __future__ import annotations

import hashlib
import signal
from pathlib import Path

import pytest

from publicity.models import PublicationJob
from tests.faults.conftest import run_python, start_worker, stop, wait_for
from tests.publicity.test_jobs import many_entry_batch

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_notice_job_is_built_once_after_its_worker_was_killed(fault_env, tmp_path, settings):
    settings.MEDIA_ROOT = fault_env["MEDIA_ROOT"]
    batch = many_entry_batch(1200)
    job = PublicationJob.objects.get(batch=batch, kind="notice")
    # As if the broker had been down at finalising: the sweep sends it to the test's Redis.
    PublicationJob.objects.filter(pk=job.pk).update(dispatched_at=None)
    first = start_worker(fault_env, "first", tmp_path / "first.log")
    second = None
    try:
        run_python(
            fault_env, "from publicity.services import publication_jobs_redispatch as r; r()"
        )
        # The started-marker: the task commits its attempt before it starts building.
        wait_for(
            lambda: PublicationJob.objects.get(pk=job.pk).attempts == 1,
            what="the first worker's start",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert PublicationJob.objects.get(pk=job.pk).finished_at is None

        second = start_worker(fault_env, "second", tmp_path / "second.log")
        wait_for(
            lambda: PublicationJob.objects.filter(pk=job.pk, finished_at__isnull=False).exists(),
            timeout=120,
            what="the notice after a worker was back",
        )
    finally:
        stop(first)
        stop(second)

    batch.refresh_from_db()
    job.refresh_from_db()
    notice_dir = Path(fault_env["MEDIA_ROOT"]) / "notices" / f"batch-{batch.pk}"
    assert [p.name for p in notice_dir.iterdir()] == [f"notice-{batch.year}-{batch.number}.pdf"]
    assert job.attempts == 2
    assert hashlib.sha256(Path(batch.notice_pdf.path).read_bytes()).hexdigest() == (
        batch.notice_sha256
    )
