"""Where a page's time goes, first visits only: the profile docs/performance.md quotes.

    python scripts/profile_page.py KIND [N]        # against the bench's scratch database

KIND is ``list`` (the list's pages and filters), ``search2`` (two-character fragments of the
generated names), ``entry`` (entry pages), ``api`` (the API's list by district), or a path
(``/staff/batches/1997/``) asked N times; ``--as USER`` sends it as that user of the
scratch database (a session minted as ``make bench`` mints its staff's: ``bench-official``,
``bench-inspector-district``, ...); ``--site`` names the city's site the public kinds are asked
on (``guangzhou`` unless told; ``province``: the root). Run ``make bench ARGS=--keep`` (or
``--reuse``) first.

Each URL is asked once, in process (Django's test client, the bench's settings: DEBUG off,
the production middleware, the web server's database session options), after the public
cache's version is bumped: nothing of it cached. The first half is timed without a profiler
(wall and CPU a request); the second half runs under cProfile and its time is shared out by
area: PostgreSQL (waiting for it), the driver, the ORM, templates, translations, Redis,
forms and filters, the API's serializers, and the rest of Python (middleware, views, URLs).
A builtin's time goes to the area of the function that called it most.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

AREAS = [
    ("psycopg/connection.py", "PostgreSQL: waiting for the query"),
    ("psycopg/waiting", "PostgreSQL: waiting for the query"),
    ("_socket", "PostgreSQL: waiting for the query"),
    ("psycopg", "database driver: sending, reading rows"),
    ("django/db/", "ORM: building SQL, rows into objects"),
    ("templat", "templates and template tags"),
    ("translation", "translation lookups"),
    ("gettext", "translation lookups"),
    ("redis", "Redis cache"),
    ("core/cache", "Redis cache"),
    ("django/forms", "forms and filters"),
    ("django_filters", "forms and filters"),
    ("core/forms", "forms and filters"),
    ("rest_framework", "API serializers"),
    ("serializers", "API serializers"),
    ("copy.py", "copying and pickling"),
    ("pickle", "copying and pickling"),
]
OTHER = "other Python: middleware, views, sessions, URLs"


def area(filename: str) -> str | None:
    return next((name for part, name in AREAS if part in filename), None)


def urls_of(kind: str, database_url: str, n: int, site: str | None) -> list[str]:
    """The URLs of a kind on a city's site (``site``, its path), or the province's at the
    root (None): an entry's page is asked on its own city's site (the root redirects)."""
    import bench

    if kind.startswith("/"):
        return [kind] * n
    prefix = f"/{site}" if site else ""
    list_, _floor, districts = bench.list_urls(database_url, pages=20, site=site)
    if kind == "list":
        urls = bench.cold_list_urls(database_url, list_, districts, prefix)
    elif kind == "search2":
        urls = [
            f"{prefix}/entries/?q={quote(f)}" for f in bench.fragments(database_url, 2, 2000, site)
        ]
    elif kind == "entry":
        if site is None:
            raise SystemExit("an entry's page is its city's: give --site")
        urls = [f"{prefix}/entries/{pk}/" for pk in bench.entry_ids(database_url, 2 * n, site)]
    elif kind == "api":
        urls = [f"{prefix}/api/public/entries/?district={d}" for d in districts]
        urls = urls * (2 * n // len(urls) + 1)
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    random.Random(5).shuffle(urls)  # noqa: S311 - a fixed order of URLs, not a secret
    return urls[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind")
    parser.add_argument("n", type=int, nargs="?", default=200)
    parser.add_argument("--as", dest="user", default=None, help="a user of the scratch database")
    parser.add_argument(
        "--site",
        default="guangzhou",
        help="a city's site path (guangzhou, huizhou, ...), or province (the root)",
    )
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest calls")
    parser.add_argument("--sort", default="cumulative", help="their order: cumulative, tottime")
    args = parser.parse_args()

    import bench

    os.environ["DATABASE_URL"] = bench.bench_database_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_bench"
    os.environ.setdefault("CACHE_KEY_PREFIX", f"gongshi-profile-{os.getpid()}")
    # What config/gunicorn.conf.py gives the web server's database sessions.
    os.environ.setdefault(
        "DATABASE_SESSION_OPTIONS", "-c max_parallel_workers_per_gather=0 -c jit=off"
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from publicity.cache import public_cache_invalidate

    client = Client(HTTP_HOST="127.0.0.1")
    if args.user:
        bench.staff_sessions()  # the bench's staff, created as make bench creates them
        client.force_login(get_user_model().objects.get(username=args.user))
    site = None if args.site == "province" else args.site
    urls = urls_of(args.kind, os.environ["DATABASE_URL"], args.n, site)
    client.get(urls[0])  # the process's first request (imports, templates) is not a visit
    public_cache_invalidate()
    timed, profiled = urls[: len(urls) // 2], urls[len(urls) // 2 :]
    started, cpu = time.perf_counter(), time.process_time()
    statuses: dict[int, int] = {}
    for url in timed:
        status = client.get(url).status_code
        statuses[status] = statuses.get(status, 0) + 1
    wall_ms = (time.perf_counter() - started) / len(timed) * 1000
    cpu_ms = (time.process_time() - cpu) / len(timed) * 1000
    profile = cProfile.Profile()
    profile.enable()
    for url in profiled:
        client.get(url)
    profile.disable()

    totals: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, callers) in pstats.Stats(
        profile
    ).stats.items():  # type: ignore[attr-defined]
        name = area(filename)
        if name is None and callers:
            caller = max(callers.items(), key=lambda item: item[1][2])[0]
            name = area(caller[0])
        totals[name or OTHER] = totals.get(name or OTHER, 0.0) + tottime
    whole = sum(totals.values()) or 1.0
    print(
        f"{args.kind}: {wall_ms:.1f} ms wall, {cpu_ms:.1f} ms CPU a request "
        f"({len(timed)} first visits one at a time, statuses {statuses}); "
        f"profile of {len(profiled)} more:"
    )
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {seconds / whole * 100:5.1f} %  {name}")
    if args.top:
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
