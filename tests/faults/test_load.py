"""Load. (1) 200 connections for 60 s on the public pages while a batch is approved and its
notice built (issue 10), and the same with workers recycled every few hundred requests:
skipped unless LOAD_TEST=1, they take over a minute and both cores; the figures of a run are
in docs/deploy.md. (2) Workers recycled every few dozen requests while clients keep sending
GETs on keep-alive connections and POST the public report form: not one request is lost
(with gunicorn's own recycling of the gthread worker, 107 socket errors in a minute, and a
report lost outside the load test). Timing goals are never asserted here."""

from __future__ import annotations

import datetime
import http.client
import os
import re
import shutil
import subprocess
import threading
import urllib.parse
from pathlib import Path

import pytest
from django.urls import reverse

from publicity.models import Batch, Entry, PublicationJob, Submission
from publicity.services import batch_create, batch_submit, entry_add
from tests.factories import FindingFactory, ListedEntryFactory, publication_staff
from tests.faults.conftest import Site, run_python, start_worker, stop, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-9"
PAGES = ["/", "/entries/", "/entries/?district=441302", "/batches/", "/statistics/", "/feed.atom"]


@pytest.mark.load
@pytest.mark.skipif(os.environ.get("LOAD_TEST") != "1", reason="LOAD_TEST=1 runs it")
@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk")
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
CLIENTS = 6
REQUESTS_PER_CLIENT = 120  # every 4th a POST of the report form


def _recycling_env(fault_env: dict[str, str]) -> dict[str, str]:
    return {
        **fault_env,
        # A worker is replaced after 30-40 requests: many times within the test.
        "GUNICORN_MAX_REQUESTS": "30",
        "GUNICORN_MAX_REQUESTS_JITTER": "10",
        # One client address sends every report here.
        "PUBLIC_SUBMISSIONS_PER_HOUR": "100000",
    }


def _worker_boots(log: Path) -> int:
    return log.read_text(errors="replace").count("Booting worker with pid")


def _client(site: Site, csrf: str, number: int, outcomes: list[tuple[str, object]]) -> None:
    """One visitor's browser: one keep-alive connection, opened again only when the server
    said it would close it (``Connection: close``); any other error is a lost request."""
    connection = http.client.HTTPConnection("127.0.0.1", site.port, timeout=30)
    try:
        for i in range(REQUESTS_PER_CLIENT):
            if i % 4 == 3:
                body = urllib.parse.urlencode(
                    {**REPORT, "subject": f"负载-{number}-{i}", "csrfmiddlewaretoken": csrf}
                )
                method, path, expected = "POST", "/reports/new/", 201
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf}",
                }
            else:
                body, headers = None, {}
                method, path, expected = "GET", PAGES[i % len(PAGES)], 200
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                outcomes.append((f"{method} {path}", repr(error)))
                connection.close()
                continue
            outcomes.append(
                (f"{method} {path}", "ok" if response.status == expected else response.status)
            )
    finally:
        connection.close()


def test_recycled_workers_lose_no_request(fault_env, tmp_path):
    for _ in range(5):
        ListedEntryFactory()
    log = tmp_path / "gunicorn.log"
    site = Site(_recycling_env(fault_env), log, workers=2)
    try:
        site.get("/reports/new/")
        csrf = site.csrf()
        outcomes: list[tuple[str, object]] = []
        threads = [
            threading.Thread(target=_client, args=(site, csrf, n, outcomes)) for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
    finally:
        site.stop()

    failed = [outcome for outcome in outcomes if outcome[1] != "ok"]
    posts = sum(1 for what, _ in outcomes if what.startswith("POST"))
    boots = _worker_boots(log)
    # The figures for docs/deploy.md (pytest -s).
    print(f"{len(outcomes)} requests ({posts} POSTs), {len(failed)} failed, "
          f"{boots - 2} worker restarts")  # fmt: skip
    assert (len(outcomes), failed) == (CLIENTS * REQUESTS_PER_CLIENT, [])
    # Each report POSTed was received once.
    assert Submission.objects.count() == posts
    # The workers were recycled many times while the clients were sending.
    assert boots - 2 >= 10


WRK_RECYCLING_SCRIPT = """
local paths = {%(paths)s}
local report = "%(report)s"
local csrf = "%(csrf)s"
local threads = {}
local i = 0
-- Globals: done() reads each thread's own with thread:get().
created, served, other = 0, 0, 0

setup = function(thread) table.insert(threads, thread) end

request = function()
  i = i + 1
  if i %% 4 == 0 then
    return wrk.format("POST", "/reports/new/", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. csrf,
    }, report)
  end
  return wrk.format("GET", paths[(i %% #paths) + 1])
end

response = function(status, headers, body)
  -- 201: a report received (only the form answers 201); 200: a page.
  if status == 201 then created = created + 1
  elseif status == 200 then served = served + 1
  else other = other + 1 end
end

done = function(summary, latency, requests)
  local c, s, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created"); s = s + thread:get("served"); o = o + thread:get("other")
  end
  io.write(string.format("responses: created %%d, served %%d, other %%d\\n", c, s, o))
end
"""


@pytest.mark.load
@pytest.mark.skipif(os.environ.get("LOAD_TEST") != "1", reason="LOAD_TEST=1 runs it")
@pytest.mark.skipif(shutil.which("wrk") is None, reason="needs wrk")
def test_recycled_workers_lose_no_request_under_wrk(fault_env, tmp_path):
    """wrk's 50 keep-alive connections for 30 s, a quarter of the requests report POSTs, on two
    workers each recycled after 300-400 requests."""
    for _ in range(20):
        ListedEntryFactory()
    env = {**_recycling_env(fault_env), "GUNICORN_MAX_REQUESTS": "300"}
    env["GUNICORN_MAX_REQUESTS_JITTER"] = "100"
    log = tmp_path / "gunicorn.log"
    site = Site(env, log, workers=2)
    try:
        site.get("/reports/new/")
        script = tmp_path / "recycling.lua"
        script.write_text(
            WRK_RECYCLING_SCRIPT
            % {
                "paths": ", ".join(f'"{p}"' for p in PAGES),
                "report": urllib.parse.urlencode({**REPORT, "csrfmiddlewaretoken": site.csrf()}),
                "csrf": site.csrf(),
            }
        )
        report = subprocess.run(  # noqa: S603 - wrk with fixed arguments against our own server
            ["wrk", "-t2", "-c50", "-d30s", "--timeout", "30s", "-s", str(script), site.base],  # noqa: S607
            stdout=subprocess.PIPE,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    finally:
        site.stop()

    boots = _worker_boots(log)
    print(report)  # the figures for docs/deploy.md (pytest -s)
    print(f"{boots - 2} worker restarts")
    assert "Non-2xx" not in report
    assert "Socket errors" not in report  # wrk prints the line only when there were some
    created, _served, other = map(
        int, re.search(r"responses: created (\d+), served (\d+), other (\d+)", report).groups()
    )
    assert other == 0
    # Each report answered 201 was stored once; at most one per connection more, sent as
    # wrk stopped and never read.
    assert created <= Submission.objects.count() <= created + 50
    assert boots - 2 >= 10
