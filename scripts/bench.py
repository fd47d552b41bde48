"""Timings of the paths that must stay fast, on a scratch database: ``make bench``.

Loads the demo city into a database of its own (``gongshi_bench`` on the server DATABASE_URL
points at, dropped afterwards), times the demo load and the notice PDFs, then copies the
demo's entries into synthetic published batches until the public list holds ``--entries``
rows and times the public pages the way a visitor hits them: cold (empty cache) and warm.

    python scripts/stack.py bench [--entries 100000] [--keep]

Timing lives here, never in the tests (STYLE.md).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "gongshi_bench"


def bench_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gongshi")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    # psycopg takes the percent-encoded socket directory of the embedded server as is.
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def report(label: str, seconds: float, extra: str = "") -> None:
    print(f"  {label:<46} {seconds * 1000:>9.0f} ms  {extra}", flush=True)


def grow_public_list(target: int) -> int:
    """Copy the demo's published entries (with their cases) into synthetic published batches
    until the public list holds ``target`` listed entries. Returns the number listed."""
    from django.db import transaction

    from publicity.enums import BatchStatus, EntryStatus
    from publicity.models import Batch, Entry
    from rectification.enums import CaseStatus
    from rectification.models import Case

    template = [
        (entry, entry.case)
        for entry in Entry.objects.filter(status=EntryStatus.LISTED).select_related("case")
        if entry.case is not None
    ]
    active = {str(status) for status in CaseStatus.active()}
    first = Batch.objects.filter(status=BatchStatus.PUBLISHED).order_by("id").first()
    if first is None or not template:
        raise RuntimeError("the demo city must be loaded first")
    listed = len(template)
    year, number = 2011, 0
    while listed < target:
        number += 1
        if number > 40:
            year, number = year + 1, 1
        day = datetime.date(year, 1 + number % 12, 1 + number % 27)
        with transaction.atomic():
            batch = Batch.objects.create(
                status=BatchStatus.PUBLISHED,
                year=year,
                number=number,
                composed_by_id=first.composed_by_id,
                approved_by_id=first.approved_by_id,
                published_on=day,
                outlet=first.outlet,
            )
            cases = Case.objects.bulk_create(
                Case(
                    enterprise_id=e.enterprise_id,
                    disposition=e.disposition,
                    goal=c.goal,
                    status=c.status,
                    deadline=day + datetime.timedelta(days=60),
                    department_id=e.department_id,
                    responsible_person=e.responsible_person,
                    opened_on=day,
                    closed_on=None if c.status in active else day + datetime.timedelta(days=30),
                )
                for e, c in template
            )
            Entry.objects.bulk_create(
                Entry(
                    batch=batch,
                    position=i + 1,
                    status=EntryStatus.LISTED,
                    finding_id=e.finding_id,
                    enterprise_id=e.enterprise_id,
                    district_id=e.district_id,
                    industry_id=e.industry_id,
                    unit_name=e.unit_name,
                    address=e.address,
                    violation_text=e.violation_text,
                    category=e.category,
                    disposition=e.disposition,
                    rectification_deadline=day + datetime.timedelta(days=60),
                    department_id=e.department_id,
                    responsible_person=e.responsible_person,
                    published_on=day,
                    case=case,
                )
                for i, ((e, _c), case) in enumerate(zip(template, cases, strict=True))
            )
        listed += len(template)
    return listed


def page_timings(client, url: str, runs: int = 5) -> tuple[float, int, float]:
    """(median cold time, queries of a cold request, warm time) of GET url."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cold = []
    queries = 0
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            cold.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        queries = len(captured)
    warm = timed(lambda: client.get(url))
    return statistics.median(cold), queries, warm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the gongshi_bench database")
    args = parser.parse_args()

    url = bench_database_url()
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from publicity.models import Batch
    from publicity.notice import build_notice_pdf
    from registry.models import Enterprise, Jurisdiction
    from registry.search import enterprise_search

    try:
        print("Gongshi bench (2 cores here; figures are this machine's)\n", flush=True)
        call_command("migrate", verbosity=0)
        print("Demo city")
        report(
            # Through the workflow services: the 11 notices are built during the load.
            "load_demo (11 batches with notices, 347 entries, 3,508 accidents)",
            timed(lambda: call_command("load_demo", verbosity=0)),
        )
        first = Batch.objects.get(year=2008, number=1)
        report(
            "build_notice_pdf, 2008年第1批 (178 entries), A4",
            timed(lambda: build_notice_pdf(first)),
        )

        print(f"\nPublic list grown to about {args.entries:,} entries", flush=True)
        started = time.perf_counter()
        listed = grow_public_list(args.entries)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report(f"copy to {listed:,} listed entries and ANALYZE", time.perf_counter() - started)

        setup_test_environment()
        client = Client()
        district = Jurisdiction.objects.get(code="441322").pk
        print("\nPublic pages (cold = empty cache, median of 5; warm = from Redis)")
        pages = [
            ("exposure list, first page", "/entries/"),
            ("exposure list, one district", f"/entries/?district={district}"),
            ("exposure list, name search (2 chars)", "/entries/?q=%E4%BA%94%E9%87%91"),
            ("exposure list, overdue only", "/entries/?overdue=on"),
            ("entry page", None),
            ("statistics", "/statistics/"),
            ("API entries, first page", "/api/public/entries/"),
            ("home page", "/"),
        ]
        from publicity.models import Entry

        entry_url = (
            f"/entries/{Entry.objects.public().order_by('-id').values_list('pk', flat=True)[0]}/"
        )
        for label, page in pages:
            cold, queries, warm = page_timings(client, page or entry_url)
            report(label, cold, f"{queries} queries, warm {warm * 1000:.0f} ms")
        deep = "/entries/"
        for _ in range(40):
            deep = "/entries/" + client.get(deep).context["next_url"]
        cold, queries, warm = page_timings(client, deep)
        report("exposure list, page 41 by cursor", cold, f"{queries} queries")

        print("\nBack office")
        names = Enterprise.objects.all()
        report(
            "enterprise name search '五金' (bigram index)",
            timed(lambda: list(enterprise_search(names, "五金")[:50])),
        )
        report(
            "enterprise name search, icontains for comparison",
            timed(lambda: list(names.filter(name__icontains="五金")[:50])),
        )
    finally:
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
