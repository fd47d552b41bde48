"""Load: 200 connections for 60 s on the public pages while a batch is approved and its
notice built (issue 10). Skipped unless LOAD_TEST=1: it takes over a minute and both cores.
The figure of a run is in docs/deploy.md; timing goals are never asserted here."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from publicity.models import Batch, Entry, PublicationJob
from publicity.services import batch_create, batch_submit, entry_add
from tests.factories import FindingFactory, ListedEntryFactory, publication_staff
from tests.faults.conftest import run_python, start_worker, stop, wait_for

pytestmark = [
    pytest.mark.load,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("LOAD_TEST") != "1", reason="LOAD_TEST=1 runs it"),
    pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk"),
]

PASSWORD = "correct-horse-battery-9"
PAGES = ["/", "/entries/", "/entries/?district=441302", "/batches/", "/statistics/", "/feed.atom"]


def test_public_pages_serve_200_connections_while_a_batch_is_published(
    site, fault_env, tmp_path, settings
):
    settings.MEDIA_ROOT = fault_env["MEDIA_ROOT"]
    for _ in range(20):
        ListedEntryFactory()
    composer, official = publication_staff("composer"), publication_staff("approver")
    official.set_password(PASSWORD)
    official.save()
    batch = batch_create(composer=composer)
    entry_add(batch=batch, findings=[FindingFactory() for _ in range(30)], actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch_submit(batch=batch, actor=composer)
    script = tmp_path / "paths.lua"
    paths = ", ".join(f'"{p}"' for p in PAGES)
    script.write_text(
        f"local paths = {{{paths}}}\nlocal i = 0\n"
        "request = function() i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1]) end\n"
    )
    worker = start_worker(fault_env, "load", tmp_path / "worker.log")
    load = subprocess.Popen(  # noqa: S603 - wrk with fixed arguments against our own server
        ["wrk", "-t2", "-c200", "-d60s", "--timeout", "30s", "-s", str(script), site.base],  # noqa: S607
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        site.get(reverse("staff-login"))
        site.post(reverse("staff-login"), {"username": "approver", "password": PASSWORD})
        site.get(reverse("publicity:batch-review", args=[batch.pk]))
        approve = site.post(reverse("publicity:batch-approve", args=[batch.pk]), {})
        wait_for(
            lambda: PublicationJob.objects.filter(batch=batch, finished_at__isnull=False).exists(),
            timeout=120,
            what="the letters under load",
        )
        day = Batch.objects.get(pk=batch.pk).notice_period_ends + datetime.timedelta(days=1)
        run_python(
            fault_env,
            "from django.contrib.auth.models import User\n"
            "from publicity.models import Batch\n"
            "from publicity.services import batch_finalise\n"
            "import datetime\n"
            f"batch_finalise(batch=Batch.objects.get(pk={batch.pk}),"
            " actor=User.objects.get(username='approver'),"
            f" today=datetime.date.fromisoformat('{day}'))",
        )
        wait_for(
            lambda: PublicationJob.objects.filter(
                batch=batch, kind="notice", finished_at__isnull=False
            ).exists(),
            timeout=120,
            what="the notice under load",
        )
        report, _ = load.communicate(timeout=120)
    finally:
        if load.poll() is None:
            load.kill()
        stop(worker)

    print(report)  # the figure for docs/deploy.md (pytest -s)
    assert approve[0] == 302
    assert Batch.objects.get(pk=batch.pk).status == "finalised"
    assert "Non-2xx" not in report
    # No refused connection and no request timed out. (gunicorn closes a keep-alive
    # connection idle past its keepalive, which wrk counts as a read error; those are
    # reported, not failures.)
    errors = re.search(
        r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)", report
    )
    assert errors is None or errors.groups() == ("0", "0", "0")
    assert int(re.search(r"(\d+) requests in", report).group(1)) > 0
