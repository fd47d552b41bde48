"""Letters and the notice, built by real Celery workers against real Redis and PostgreSQL."""

import datetime
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from config.celery import app
from publicity.models import Entry, PublicationJob
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_submit,
    entry_add,
    publication_jobs_redispatch,
)
from publicity.tasks import build_notice
from registry.models import Department, Enterprise, Finding, Inspection, Jurisdiction
from tests.factories import BatchFactory, EnterpriseFactory, FindingFactory, publication_staff
from tests.support import subprocess_database_url, wait_until

# Transactional: the worker's own connection must see the rows the test committed.
pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def wait_for(predicate, timeout=60.0, what="the job"):
    wait_until(predicate, timeout=timeout, what=f"{what} finishing")


def job_finished(batch, kind):
    return PublicationJob.objects.filter(batch=batch, kind=kind, finished_at__isnull=False).exists


def approved(count=3):
    composer, official = publication_staff(), publication_staff()
    batch = batch_create(composer=composer)
    entry_add(
        batch=batch, findings=[FindingFactory() for _ in range(count)], actor=batch.composed_by
    )
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch_submit(batch=batch, actor=composer)
    return batch_approve(batch=batch, actor=official), official


def pdftotext(path):
    return subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_batch_approve_builds_prior_notice_letters_on_a_real_worker(media, celery_worker):
    batch, _official = approved(count=3)

    wait_for(job_finished(batch, "letters"))

    entries = list(batch.entries.select_related("letter").order_by("position"))
    files = sorted(p.name for p in (media / "letters" / f"batch-{batch.pk}").iterdir())
    assert files == sorted(f"entry-{e.pk}.pdf" for e in entries)
    text = pdftotext(entries[0].letter.file.path)
    assert "安全生产公示曝光事先告知书" in text
    assert entries[0].unit_name in text
    assert f"{batch.year}年第{batch.number}批" in text
    end = batch.notice_period_ends
    assert f"{end.year}年{end.month}月{end.day}日前" in text


def test_batch_finalise_builds_the_notice_once_on_a_real_worker(media, celery_worker):
    batch, official = approved(count=3)
    wait_for(job_finished(batch, "letters"))
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=batch, actor=official, today=after)

    wait_for(job_finished(batch, "notice"))

    batch.refresh_from_db()
    path = Path(batch.notice_pdf.path)
    text = pdftotext(path)
    assert f"关于公示曝光{batch.year}年第{batch.number}批" in text
    for name in batch.entries.values_list("unit_name", flat=True):
        assert name in text
    assert "第1页共1页" in text  # pdftotext drops the spaces around CJK
    fonts = subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdffonts", str(path)],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    font_rows = fonts.splitlines()[2:]
    assert [row.split()[0].split("+")[1] for row in font_rows] == ["WenQuanYiMicroHei-0"] * len(
        font_rows
    )
    assert all(row.split()[3] == "yes" for row in font_rows)  # the "emb" column
    first_hash = batch.notice_sha256

    # The same job run again (as after a lost acknowledgement): one file, one hash.
    job = PublicationJob.objects.get(batch=batch, kind="notice")
    PublicationJob.objects.filter(pk=job.pk).update(finished_at=None)
    build_notice.delay(job_id=job.pk)
    wait_for(job_finished(batch, "notice"))
    batch.refresh_from_db()
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert batch.notice_sha256 == first_hash
    assert PublicationJob.objects.get(pk=job.pk).attempts == 2


def test_publication_jobs_redispatch_sends_jobs_never_dispatched(media, celery_worker):
    batch, _official = approved(count=1)
    wait_for(job_finished(batch, "letters"))
    # As if the broker had been down at commit: the job was written but never sent.
    job = PublicationJob.objects.get(batch=batch, kind="letters")
    batch.entries.get().letter.delete()
    PublicationJob.objects.filter(pk=job.pk).update(finished_at=None, dispatched_at=None)

    assert publication_jobs_redispatch() == 1

    wait_for(job_finished(batch, "letters"))
    assert batch.entries.get().letter.sha256 != ""
    assert publication_jobs_redispatch() == 0


def many_entry_batch(count):
    """A finalised batch of ``count`` entries, written in bulk (the workflow is tested
    elsewhere) so the notice takes long enough to kill its worker in the middle."""
    composer, official = publication_staff(), publication_staff()
    # One unit per entry (one entry per unit per batch), each with its inspection and finding.
    template = EnterpriseFactory()
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            name=f"{template.name}第{n}分厂",
            address=template.address,
            jurisdiction=template.jurisdiction,
            industry=template.industry,
        )
        for n in range(1, count + 1)
    )
    inspections = Inspection.objects.bulk_create(
        Inspection(
            enterprise=enterprise,
            place=enterprise.jurisdiction,
            date=datetime.date(2009, 3, 2),
            created_by=composer,
        )
        for enterprise in enterprises
    )
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            category="major_hazard",
            description="消防通道堵塞，安全出口上锁，疏散指示标志损坏，应急照明失效，"
            "员工宿舍与生产车间同一建筑，电气线路私拉乱接。",
            proposed_disposition="rectify_by_deadline",
            proposed_for_publicity=True,
        )
        for inspection in inspections
    )
    batch = BatchFactory(composed_by=composer, status="submitted")
    district = Jurisdiction.objects.get(code="441302")
    Entry.objects.bulk_create(
        Entry(
            batch=batch,
            position=n,
            finding=finding,
            enterprise=enterprise,
            district=district,
            industry=enterprise.industry,
            unit_name=enterprise.name,
            address=enterprise.address,
            violation_text=finding.description,
            category="major_hazard",
            disposition="rectify_by_deadline",
            rectification_deadline=datetime.date(2009, 4, 30),
            department=Department.objects.get(code="city_housing"),
            responsible_person="李四",
        )
        for n, (finding, enterprise) in enumerate(zip(findings, enterprises, strict=True), start=1)
    )
    batch = batch_approve(batch=batch, actor=official)
    # Only the notice matters here: the letters job is marked done so it is not sent.
    PublicationJob.objects.filter(batch=batch).update(finished_at=timezone.now())
    app.control.purge()
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    return batch_finalise(batch=batch, actor=official, today=after)


def start_worker(media, name):
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
        "MEDIA_ROOT": str(media),
        # A killed worker's unacknowledged job is handed out again after this many seconds.
        "CELERY_VISIBILITY_TIMEOUT": "3",
    }
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
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_notice_job_survives_a_worker_killed_mid_build(media):
    app.control.purge()
    batch = many_entry_batch(1200)
    job = PublicationJob.objects.get(batch=batch, kind="notice")
    first = start_worker(media, "first")
    second = None
    try:
        # The started-marker: the task commits its attempt before it starts building.
        wait_for(
            lambda: PublicationJob.objects.get(pk=job.pk).attempts == 1,
            what="the first worker's start",
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert PublicationJob.objects.get(pk=job.pk).finished_at is None

        second = start_worker(media, "second")
        wait_for(job_finished(batch, "notice"), timeout=120, what="the redelivered job")
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(timeout=20)

    batch.refresh_from_db()
    job.refresh_from_db()
    notice_dir = media / "notices" / f"batch-{batch.pk}"
    assert [p.name for p in notice_dir.iterdir()] == [f"notice-{batch.year}-{batch.number}.pdf"]
    assert job.attempts == 2
    import hashlib

    assert hashlib.sha256(Path(batch.notice_pdf.path).read_bytes()).hexdigest() == (
        batch.notice_sha256
    )
