"""Redis unreachable (issue 10: 8 of 14 public GETs, the report form and the unit login gave
500; approving took 6 s): pages come from the database, forms work, an approval commits and
its job waits in the outbox until Redis is back, then it runs once."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from publicity.models import Batch, Entry, PublicationJob, Submission
from publicity.services import batch_create, batch_submit, entry_add
from rectification.services import case_issue_letter
from tests.factories import FindingFactory, ListedEntryFactory, publication_staff
from tests.faults.conftest import run_python, start_worker, stop, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
REPORT = {
    "kind": "report",
    "subject": "举报无证加油点",
    "body": "江北路边有人用铁桶卖汽油。",
    "unit_name": "",
    "district": "",
    "is_anonymous": "on",
    "submitter_name": "",
    "submitter_contact": "",
}


def _submitted_batch():
    composer = publication_staff("composer")
    official = publication_staff("approver")
    official.set_password(PASSWORD)
    official.save()
    batch = batch_create(composer=composer)
    entry_add(batch=batch, findings=[FindingFactory() for _ in range(3)], actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    return batch_submit(batch=batch, actor=composer)


def test_site_serves_and_an_approval_commits_while_redis_is_down(
    site, own_redis, fault_env, tmp_path, settings
):
    settings.MEDIA_ROOT = fault_env["MEDIA_ROOT"]
    listed = ListedEntryFactory()
    code, _letter = case_issue_letter(case=listed.case, actor=None)
    batch = _submitted_batch()
    public_pages = [
        "/",
        "/entries/",
        "/entries/?q=%E5%8E%82&district=&unknown=1",
        f"/entries/{listed.pk}/",
        "/entries/removed/",
        "/batches/",
        f"/batches/{listed.batch.pk}/",
        "/statistics/",
        "/feed.atom",
        "/api/public/entries/",
        f"/api/public/entries/{listed.pk}/",
        "/api/public/statistics/",
        "/reports/new/",
        "/reports/status/",
        "/unit/",
    ]
    assert [site.get(path)[0] for path in public_pages] == [200] * len(public_pages)

    own_redis.stop()

    assert [site.get(path)[0] for path in public_pages] == [200] * len(public_pages)
    # The report form (its rate limit counts in memory meanwhile) and the unit's login.
    assert site.post("/reports/new/", REPORT)[0] == 201
    assert Submission.objects.get().subject == "举报无证加油点"
    site.get("/unit/")
    assert site.post("/unit/", {"code": code})[0] == 302
    assert site.get("/unit/case/")[0] == 200
    # An official approves: the move commits, the letters job waits in the outbox.
    site.get(reverse("staff-login"))
    login = site.post(reverse("staff-login"), {"username": "approver", "password": PASSWORD})
    assert login[0] == 302
    site.get(reverse("publicity:batch-review", args=[batch.pk]))
    approve = site.post(reverse("publicity:batch-approve", args=[batch.pk]), {})
    assert approve[0] == 302
    assert Batch.objects.get(pk=batch.pk).status == "approved"
    job = PublicationJob.objects.get(batch=batch, kind="letters")
    assert (job.dispatched_at, job.finished_at) == (None, None)
    # Alive, not ready: the load balancer stops sending to this host, which says why.
    assert site.get("/healthz")[0] == 200
    ready = site.get("/readyz")
    assert (ready[0], json.loads(ready[1])["unreachable"]) == (503, ["broker", "cache"])

    own_redis.start()
    worker = start_worker(fault_env, "back", tmp_path / "worker.log")
    try:
        # The beat's sweep, once: it finds the job never sent.
        sent = run_python(
            fault_env,
            "from publicity.services import publication_jobs_redispatch as r; print(r())",
        )
        assert sent.strip().splitlines()[-1] == "1"
        wait_for(
            lambda: PublicationJob.objects.filter(pk=job.pk, finished_at__isnull=False).exists(),
            timeout=90,
            what="the letters job after Redis came back",
        )
    finally:
        stop(worker)

    job.refresh_from_db()
    assert job.attempts == 1
    assert Entry.objects.filter(batch=batch, letter__isnull=False).count() == 3
