"""``make bench``: the public site and the jobs at national scale, against the database floor.

    python scripts/stack.py bench [--small] [--keep] [--reuse] [--duration S] [--reps N]
                                  [--staff-reps N] [--no-jobs]

1. A scratch database beside the one DATABASE_URL names (its name + ``_bench``), migrated,
   then filled in SQL (scripts/bench_data.py): a province, Guangdong's 21 cities, each with
   its authority and public site, 200,000 enterprises and 1,000,000 published entries with
   their findings and cases spread over the cities by population (``--small``: 4,000 and
   20,000). ``--reuse`` keeps a database already filled to that size; ``--keep`` does not
   drop it at the end.
2. The site under the production server configuration (``gunicorn -c
   config/gunicorn.conf.py``: threaded, draining workers; GUNICORN_WORKERS=2 through the
   environment; config.settings_bench: DEBUG off, production's cache, pool and page cache).
3. wrk on loopback, from its own process (16 connections), against the references that
   exist only in the bench configuration: a bare "hello" view and the fair floor (the list's
   first pages: the same 50 rows by the same keyset, one query, no count; per district for
   a city's list, without one for the province's); then every public figure twice: cold
   (the public cache's version bumped, every URL asked once, in order) and the URLs that
   cold run asked for a second time (cached). The cities' figures (CITY_SITES: Guangzhou,
   the largest, and Huizhou) are asked on each city's own site (``/guangzhou/...``): the
   list's pages and filters (districts x pages, disposition, industry, year, sorts), 2,000
   two-character and 500 four-character fragments of the city's generated names, 20,000
   entries, the API's lists and details; the province's (``province_...``) at the root:
   its list's pages and filters and two-character searches, its home (the map of its
   cities) and statistics. Then the staff pages, logged in as a user of each role (official,
   inspector city and district, supervisor, liaison, at Huizhou; the province's official;
   a session minted in the scratch database and sent as a cookie): dashboard, queues, the
   case, inspection, enterprise and entry lists with filters, a case page and the
   2,000-entry batch page (Huizhou's),
   each first one request alone (in a row, median and max), then under load. After every
   run the server is drained (a pause, then until "hello" answers quickly twice), so one
   run's queue does not spill into the next; the load average is kept with each run. Every
   figure runs ``--reps`` times, interleaved with the others; min, median and max; each
   figure records whose pages its URLs were (``sites``: a city's path or "province").
4. The jobs, each in a process of its own (scripts/bench_jobs.py): notice PDFs, the reminder
   sweep with its query count, the CSV export of the whole list, the enterprise import of
   100,000 generated units (``--small``: 5,000) and its re-import as updates.

Writes bench/results/latest.json (``summary`` holds the headline figures; null where a
figure was not measured) and prints the table. Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
RESULTS = ROOT / "bench" / "results"
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
PYTHON = sys.executable
SIZES = {"full": (1_000_000, 200_000), "small": (20_000, 4_000)}
# Two-character fragments of the generated names (bench_data.WORDS and TRADES).
SEARCH_PAIRS = ["五金", "宏发", "塑胶", "家具", "鑫达", "化工", "华盛", "建材", "永兴", "电子"]
FOUR_CHAR = ["宏发五金", "鑫达塑胶", "永兴家具", "华盛电子"]
PORT_CACHED, PORT_NOCACHE = 8731, 8732


def log(message: str) -> None:
    print(message, flush=True)


# --- The scratch database -----------------------------------------------------------------


def bench_database_url() -> str:
    """DATABASE_URL with its database name + "_bench"."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gongshi")
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "gongshi"
    return urlunsplit(parts._replace(path=f"/{name}_bench"))


def _admin_conninfo(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def database_rows(url: str) -> int | None:
    """Listed entries of an existing benchmark database, None when it does not exist."""
    import psycopg

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return None
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM publicity_entry").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return None


def recreate_database(url: str) -> None:
    import psycopg

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin_conninfo(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Servers and load -----------------------------------------------------------------------


def start_gunicorn(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    """The production server configuration (config/gunicorn.conf.py: threaded draining
    workers), its knobs set through the environment as in a deployment: 2 workers (one a
    core), its default threads and timeout."""
    handle = log_path.open("wb")
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_WORKERS": env.get("GUNICORN_WORKERS", "2"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_LOG_LEVEL": "warning",
        },
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/hello/", timeout=5):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn on port {port} did not come up")


def fetch(port: int, path: str, cookie: str = "") -> tuple[float, int]:
    """One request alone: (seconds, status). Redirects are not followed (a staff page that
    answers with the login page's redirect is a 302, not a figure)."""
    import http.client

    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        status = response.status
    finally:
        conn.close()
    return time.perf_counter() - started, status


def wait_drained(port: int, deadline_s: float = 180) -> float:
    """Wait until the server has nothing queued: after a short pause, two "hello" requests
    in a row each answered in under 50 ms. Seconds waited (the previous run's spill)."""
    started = time.perf_counter()
    time.sleep(0.5)
    quick = 0
    while quick < 2 and time.perf_counter() - started < deadline_s:
        seconds, _status = fetch(port, "/bench/hello/")
        quick = quick + 1 if seconds < 0.05 else 0
        if quick < 2:
            time.sleep(0.1)
    return time.perf_counter() - started


def run_wrk(
    port: int,
    urls: list[str],
    seconds: int,
    connections: int,
    *,
    mode: str = "random",
    cookie: str = "",
) -> dict[str, Any]:
    url_file = RESULTS / f".urls-{os.getpid()}.txt"
    url_file.write_text("\n".join(urls) + "\n", encoding="utf-8")
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{port}",
        ],
        env={**os.environ, "BENCH_URLS": str(url_file), "BENCH_MODE": mode, "BENCH_COOKIE": cookie},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    url_file.unlink(missing_ok=True)
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON "))
    figure: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    # A cold run that asked for more URLs than it had repeated some (no longer cold).
    # (The threads stop once they have asked for every URL; a connection's last request
    # may repeat one.)
    figure["wrapped"] = mode == "seq" and figure["requests"] > len(urls) + connections
    figure["urls"] = len(urls)
    return figure


def run_job(env: dict[str, str], *args: str) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, str(ROOT / "scripts" / "bench_jobs.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    log(out.stdout[-2000:] + out.stderr[-4000:])
    raise RuntimeError(f"bench job {args} failed")


# --- URLs -----------------------------------------------------------------------------------


# The cities whose sites are measured: the province's largest (bench_data spreads the
# entries by population) and Huizhou, the reference data's city, whose staff log in.
CITY_SITES = ("guangzhou", "huizhou")


def site_of_url(url: str) -> str:
    """Whose page a measured URL is: a city's site path, the province's (the root), the
    references' or staff's."""
    segment = url.split("/")[1] if url.startswith("/") else ""
    if segment in CITY_SITES:
        return segment
    return {"bench": "reference", "staff": "staff"}.get(segment, "province")


def _site_districts(conn: Any, site: str | None) -> list[int]:
    """The districts holding listed entries on a city's site (None: the province's, all)."""
    rows = conn.execute(
        """
        SELECT d.id FROM registry_jurisdiction d
        WHERE d.level = 'district'
          AND (%(site)s::text IS NULL OR d.path LIKE (
              SELECT j.path FROM registry_authority a
              JOIN registry_jurisdiction j ON j.id = a.jurisdiction_id
              WHERE a.site_slug = %(site)s) || '%%')
          AND EXISTS (SELECT 1 FROM publicity_entry e WHERE e.district_id = d.id)
        ORDER BY d.id
        """,
        {"site": site},
    ).fetchall()
    return [int(row[0]) for row in rows]


def _keyset_pages(conn: Any, pages: int, district: int | None) -> list[str]:
    """The ``after`` cursors of pages 2..pages of the list (newest first), in one district
    or the whole province."""
    from public.selectors import _cursor_encode

    page_size = 50
    # The last row of each page: the cursor of the next one.
    rows = conn.execute(
        """
        SELECT published_on, id FROM (
            SELECT published_on, id, row_number() OVER (
                ORDER BY published_on DESC, id DESC) AS n
            FROM publicity_entry
            WHERE (%(district)s::bigint IS NULL OR district_id = %(district)s)
              AND status = 'listed'
            ORDER BY published_on DESC, id DESC LIMIT %(limit)s) AS ranked
        WHERE n %% %(size)s = 0 ORDER BY n
        """,
        {"district": district, "limit": page_size * pages, "size": page_size},
    ).fetchall()
    return [_cursor_encode(published_on, pk) for published_on, pk in rows[: pages - 1]]


def list_urls(
    conninfo: str, pages: int, site: str | None = None
) -> tuple[list[str], list[str], list[int]]:
    """The list's URLs for pages 1..pages of every district of a city's site (None: every
    district, at the province's root) by keyset cursor, the floor's for the same pages, and
    the districts."""
    import psycopg

    prefix = f"/{site}" if site else ""
    urls, floors = [], []
    with psycopg.connect(conninfo) as conn:
        districts = _site_districts(conn, site)
        for district in districts:
            urls.append(f"{prefix}/entries/?district={district}")
            floors.append(f"/bench/floor/?district={district}")
            for cursor in _keyset_pages(conn, pages, district):
                urls.append(f"{prefix}/entries/?district={district}&after={cursor}")
                floors.append(f"/bench/floor/?district={district}&after={cursor}")
    return urls, floors, districts


def province_list_urls(conninfo: str, pages: int) -> tuple[list[str], list[str], list[int]]:
    """The province's list at the root, pages 1..pages by keyset cursor: of every city's
    entries (no district) and of each district of every city (the root's district filter
    names each with its city), the floor's for the same pages, and the districts. A
    province's visitor narrows to a place as a city's does; 20 pages alone would be asked
    whole within a cold run's seconds and then again (not cold)."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        cursors = _keyset_pages(conn, pages, None)
    district_urls, district_floors, districts = list_urls(conninfo, pages, site=None)
    return (
        ["/entries/"] + [f"/entries/?after={cursor}" for cursor in cursors] + district_urls,
        ["/bench/floor/"]
        + [f"/bench/floor/?after={cursor}" for cursor in cursors]
        + district_floors,
        districts,
    )


def md5_order(urls: list[str]) -> list[str]:
    """A fixed pseudo-random order, so that any prefix a cold run reaches is a mix."""
    return sorted(urls, key=lambda u: hashlib.md5(u.encode(), usedforsecurity=False).hexdigest())


def cold_list_urls(
    conninfo: str,
    pages: list[str],
    districts: list[int],
    prefix: str = "",
    *,
    whole: bool = False,
) -> list[str]:
    """Pages of the list the cache has not seen: every district's first ``pages``, and the
    same districts filtered by disposition, industry and year, each in the three sorts
    (``whole``: the list without a district filtered too, the province's at the root); in
    md5 order."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        industries = [
            int(r[0])
            for r in conn.execute("SELECT DISTINCT industry_id FROM publicity_entry ORDER BY 1")
        ]
        years = [
            int(r[0]) for r in conn.execute("SELECT DISTINCT year FROM publicity_batch ORDER BY 1")
        ]
    filters = (
        [f"disposition={d}" for d in ("banned", "rectify_by_deadline", "suspended")]
        + [f"industry={i}" for i in industries]
        + [f"year={y}" for y in years]
    )
    places = ([""] if whole or not districts else []) + [f"district={d}&" for d in districts]
    urls = pages + [
        f"{prefix}/entries/?{place}{f}&sort={sort}"
        for f in filters
        for place in places
        for sort in ("newest", "oldest", "name")
    ]
    return md5_order(urls)


# Entries of a city's site (None: of every city).
IN_SITE = """
district_id IN (
    SELECT d.id FROM registry_jurisdiction d
    WHERE %(site)s::text IS NULL OR d.path LIKE (
        SELECT j.path FROM registry_authority a
        JOIN registry_jurisdiction j ON j.id = a.jurisdiction_id
        WHERE a.site_slug = %(site)s) || '%%')
"""


def entry_ids(conninfo: str, count: int, site: str | None = None) -> list[int]:
    """``count`` distinct listed entries of a city's site (None: of every city), spread over
    the whole table (a fixed order)."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            f"SELECT id FROM publicity_entry WHERE status = 'listed' AND {IN_SITE} "  # noqa: S608 - a constant of this module
            "ORDER BY md5(id::text) LIMIT %(count)s",
            {"site": site, "count": count},
        ).fetchall()
    return [int(row[0]) for row in rows]


def fragments(conninfo: str, length: int, count: int, site: str | None = None) -> list[str]:
    """``count`` distinct substrings of ``length`` characters of the names as generated
    (bench_data: place + word + trade + suffix) on a city's site (None: every city's), in a
    fixed pseudo-random order: common words and the rare pieces across a word's edge alike,
    so both search paths are asked."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            f"""
            SELECT fragment FROM (
                SELECT DISTINCT substr(name, k, %(n)s) AS fragment
                FROM (SELECT DISTINCT unit_name AS name FROM publicity_entry
                      WHERE {IN_SITE}) AS names,
                     generate_series(1, 40) AS k
                WHERE k + %(n)s - 1 <= char_length(name)
            ) AS fragments
            WHERE fragment !~ '[0-9A-Za-z[:space:]]'
            ORDER BY md5(fragment) LIMIT %(count)s
            """,  # noqa: S608 - IN_SITE is a constant of this module
            {"n": length, "count": count, "site": site},
        ).fetchall()
    return [str(row[0]) for row in rows]


def city_scenarios(conninfo: str, sites: tuple[str, ...] = CITY_SITES) -> dict[str, Any]:
    """The cities' public URLs, each on its own city's site (an entry at its city's path:
    the root would redirect), the cities' URLs of a kind mixed in md5 order: the list's
    pages and filters, two- and four-character searches, entries, the API's lists and
    details; the floor's URLs for the same list pages and the districts of each city."""
    per = len(sites)
    urls: dict[str, list[str]] = {
        "list": [],
        "search2": [],
        "search4": [],
        "entry": [],
        "api_list": [],
        "api_detail": [],
    }
    floors: list[str] = []
    districts: dict[str, list[int]] = {}
    for site in sites:
        pages, floor, site_districts = list_urls(conninfo, pages=20, site=site)
        floors += floor
        districts[site] = site_districts
        frag2 = fragments(conninfo, 2, 2000 // per, site)
        frag4 = fragments(conninfo, 4, 500 // per, site)
        ids = entry_ids(conninfo, 20_000 // per, site)
        urls["list"] += cold_list_urls(conninfo, pages, site_districts, f"/{site}")
        urls["search2"] += [f"/{site}/entries/?q={quote(f)}" for f in frag2]
        urls["search4"] += [f"/{site}/entries/?q={quote(f)}" for f in frag4]
        urls["entry"] += [f"/{site}/entries/{pk}/" for pk in ids]
        urls["api_list"] += [f"/{site}/api/public/entries/?district={d}" for d in site_districts]
        urls["api_list"] += [f"/{site}/api/public/entries/?q={quote(f)}" for f in frag4]
        urls["api_detail"] += [f"/{site}/api/public/entries/{pk}/" for pk in ids]
    return {
        "urls": {name: md5_order(values) for name, values in urls.items()},
        "floor": floors,
        "districts": districts,
    }


# The roles measured: (username, role group, jurisdiction code, department code, the site
# whose public list the role reads: its city's, the province's at the root).
STAFF = [
    ("bench-official", "official", "441300", None, "huizhou"),
    ("bench-inspector-city", "inspector", "441300", "city_safety", "huizhou"),
    ("bench-inspector-district", "inspector", "441302", "safety_441302", "huizhou"),
    ("bench-supervisor", "supervisor", "441300", None, "huizhou"),
    ("bench-liaison", "department_liaison", "441300", "city_housing", "huizhou"),
    # The province's official reads every city's batches, cases and units.
    ("bench-province", "official", "440000", None, None),
]


def staff_sessions() -> dict[str, tuple[str, Any]]:
    """The staff of STAFF in the scratch database, each logged in: {username: (cookie, user)}.
    A session is minted as a login makes it (the test client's force_login into the
    database's sessions), and sent by wrk as a Cookie header."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from registry.models import Department, Jurisdiction, StaffProfile

    sessions: dict[str, tuple[str, Any]] = {}
    user_model = get_user_model()
    for username, role, jurisdiction, department, _site in STAFF:
        user, created = user_model.objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=role))
            StaffProfile.objects.create(
                user=user,
                jurisdiction=Jurisdiction.objects.get(code=jurisdiction),
                department=Department.objects.get(code=department) if department else None,
            )
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        sessions[username] = (f"{settings.SESSION_COOKIE_NAME}={cookie}", user)
    return sessions


def staff_pages(
    user: Any, districts: list[int], last_batch: int, site: str | None
) -> list[tuple[str, str]]:
    """(label, URL) of the pages a role works from: the dashboard, its queues, the lists
    with filters, its site's public list filtered (``site``: a city's; None: the
    province's at the root), a case page and the batch page of the generator's last batch
    (Huizhou's, 2,000 entries)."""
    from rectification.permissions import cases_visible_to
    from rectification.selectors import QUEUES, queue_default

    first_case = cases_visible_to(user).order_by("-id").values_list("id", flat=True).first()
    district = districts[0] if districts else 0
    pages = [("dashboard", "/staff/")]
    pages.append(("cases", "/staff/cases/"))
    pages += [
        (f"cases_{queue}", f"/staff/cases/?queue={queue}")
        for queue in QUEUES
        if queue != queue_default(user)
    ]
    pages += [
        ("cases_search", "/staff/cases/?q=" + quote("五金")),
        ("inspections", "/staff/inspections/"),
        ("inspections_search", "/staff/inspections/?q=" + quote("化工")),
        ("enterprises", "/staff/enterprises/"),
        ("enterprises_search", "/staff/enterprises/?q=" + quote("宏发")),
        (
            "entries_filtered",
            f"{'/' + site if site else ''}/entries/?district={district}"
            "&disposition=banned&sort=name",
        ),
        ("batches", "/staff/batches/"),
        ("batch_2000", f"/staff/batches/{last_batch}/"),
    ]
    if first_case:
        pages.append(("case", f"/staff/cases/{first_case}/"))
    return pages


# --- Summary --------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 2),
        "median": round(statistics.median(values), 2),
        "max": round(max(values), 2),
    }


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        memory_kb = int(re.findall(r"\d+", handle.readline())[0])
    pg = ""
    try:
        import psycopg

        with psycopg.connect(bench_database_url()) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            pg = str(version[0]) if version else ""
    except Exception:  # noqa: BLE001, S110 - the version is decoration
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgresql": pg,
        "kernel": platform.release(),
    }


# (summary key, what the issue asks, the comparison): printed and written with the results.
TARGETS: list[tuple[str, str, str, float]] = [
    ("list_cold_vs_floor", "cold list >= 0.5x the fair floor's req/s", ">=", 0.5),
    ("search2_cold_p95_ms", "cold two-character search p95 <= 150 ms", "<=", 150),
    ("search2_cold_vs_floor", "cold two-character search >= 0.25x floor", ">=", 0.25),
    ("entry_cold_vs_hello", "cold entry page >= 0.25x hello", ">=", 0.25),
    ("api_cold_vs_floor", "cold API list >= 0.3x floor", ">=", 0.3),
    ("staff_max_alone_ms", "every staff page alone <= 100 ms (median)", "<=", 100),
    ("staff_max_p95_ms", "every staff page p95 <= 400 ms at 16 connections", "<=", 400),
    ("list_p95_ms", "list p95 <= 100 ms (cached)", "<=", 100),
    ("home_first_ms", "home, never-cached figures <= 200 ms", "<=", 200),
    ("home_cold_ms", "home after a publication <= 200 ms", "<=", 200),
    # The province's pages at the root against the same targets (issue 19).
    ("province_list_cold_vs_floor", "province: cold list >= 0.5x its floor", ">=", 0.5),
    ("province_search2_cold_p95_ms", "province: cold two-char search p95 <= 150 ms", "<=", 150),
    ("province_search2_cold_vs_floor", "province: cold two-char search >= 0.25x floor", ">=", 0.25),
    ("province_list_p95_ms", "province: list p95 <= 100 ms (cached)", "<=", 100),
    ("province_home_first_ms", "province: home, never-cached figures <= 200 ms", "<=", 200),
    ("province_home_cold_ms", "province: home after a publication <= 200 ms", "<=", 200),
    ("notice500_s", "notice PDF, 500 entries <= 2 s", "<=", 2),
    ("notice_linearity", "notice 2,000 / 500 entries <= 4.4 (linear)", "<=", 4.4),
    ("sweep100k_s", "reminder sweep, 100k cases <= 30 s", "<=", 30),
    ("import100k_s", "import of 100k units <= 60 s", "<=", 60),
    ("export1m_first_byte_s", "CSV of 1M rows: first byte <= 1 s (job page)", "<=", 1),
]


def targets_met(summary: dict[str, Any]) -> list[dict[str, Any]]:
    values = dict(summary)
    if summary.get("notice500_s") and summary.get("notice2000_s"):
        values["notice_linearity"] = round(summary["notice2000_s"] / summary["notice500_s"], 2)
    met = []
    for key, text, op, bound in TARGETS:
        value = values.get(key)
        ok = None if value is None else (value >= bound if op == ">=" else value <= bound)
        met.append({"key": key, "target": text, "value": value, "met": ok})
    return met


PAGE_LABELS = {
    "hello": "hello (bench only)",
    "floor": "fair floor: the list's rows by keyset, no count (bench only)",
    "list_cold": "list pages and filters, cold",
    "list": "the same list URLs again, cached",
    "search2_cold": "two-character search, distinct fragments, cold",
    "search2": "the same searches again, cached",
    "search4_cold": "four-character search, distinct fragments, cold",
    "search4": "the same searches again, cached",
    "entry_cold": "entry pages, distinct, cold",
    "entry": "the same entries again, cached",
    "api_list_cold": "API list (district, search), cold",
    "api_list": "the same API lists again",
    "api_detail_cold": "API entry detail, cold",
    "api_detail": "the same API details again",
    "home": "home",
    "statistics": "statistics",
    "province_floor": "fair floor of the province's list: no district (bench only)",
    "province_list_cold": "province: list pages and filters at the root, cold",
    "province_list": "province: the same list URLs again, cached",
    "province_search2_cold": "province: two-character search at the root, cold",
    "province_search2": "province: the same searches again, cached",
    "province_home": "province: home (the map of its cities)",
    "province_statistics": "province: statistics",
}
# The reference a figure is compared with (the list's kind against the floor, the
# province's against its own floor).
AGAINST_FLOOR = ("list", "search", "api_list", "province_list", "province_search")


def markdown(document: dict[str, Any]) -> str:
    """The run as the tables of docs/performance.md."""
    pages, jobs = document["pages"], document["jobs"]
    hello = pages.get("hello", {}).get("rps", {}).get("median")
    floor = pages.get("floor", {}).get("rps", {}).get("median")
    province_floor = pages.get("province_floor", {}).get("rps", {}).get("median")
    lines = [
        f"Run {document['date']}, `{document['command']}`, {document['seconds']:.0f} s; "
        f"rows {document['summary']['rows']}; server {document['settings']['gunicorn']}; "
        f"wrk {document['settings']['wrk']}, {document['settings']['reps']} interleaved "
        f"repetitions (staff pages {document['settings']['staff_reps']}), each run drained; "
        f"load average at start / end "
        f"{document['load_average']['start'][0]:.1f} / {document['load_average']['end'][0]:.1f}.",
        "",
        "| figure | req/s min / median / max | p50 ms | p95 ms | p99 ms | vs hello | vs floor "
        "| load | errors |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    # The references and public figures first, then the staff pages.
    ordered = sorted(pages.items(), key=lambda item: item[0].startswith("staff:"))
    for name, figure in ordered:
        if "rps" not in figure:
            continue
        r = figure["rps"]
        vs_hello = f"{r['median'] / hello:.3f}x" if hello and name != "hello" else ""
        bottom = province_floor if name.startswith("province_") else floor
        vs_floor = (
            f"{r['median'] / bottom:.2f}x"
            if bottom and (name.startswith(AGAINST_FLOOR) or name.startswith("staff:"))
            else ""
        )
        label = PAGE_LABELS.get(name, name)
        if figure.get("sites"):
            label += " [" + ", ".join(f"{k} {v}" for k, v in figure["sites"].items()) + "]"
        if figure.get("wrapped"):
            label += " (ran out of distinct URLs: not all cold)"
        lines.append(
            f"| {label} | {r['min']:.1f} / {r['median']:.1f} / {r['max']:.1f} | "
            f"{figure['p50_ms']['median']:.0f} | {figure['p95_ms']['median']:.0f} | "
            f"{figure['p99_ms']['median']:.0f} | {vs_hello} | {vs_floor} | "
            f"{figure['load1']['median']:.1f} | {figure['errors']} |"
        )
    lines += [
        "",
        "| staff page, one request alone | URL | median / max ms | status |",
        "|---|---|---|---|",
    ]
    for name, figure in pages.items():
        if "alone_ms" in figure:
            ms = figure["alone_ms"]
            shown = f"{ms['median']:.0f} / {ms['max']:.0f}" if ms else "not this role's page"
            lines.append(
                f"| {name} | `{figure['url']}` | {shown} | "
                f"{', '.join(str(s) for s in figure['status'])} |"
            )
    lines += ["", "| single cold request | URL | min / median / max ms |", "|---|---|---|"]
    for name, figure in pages.items():
        if "ms" in figure:
            ms = figure["ms"]
            lines.append(
                f"| {name} | `{figure.get('url', '')}` | "
                f"{ms['min']:.0f} / {ms['median']:.0f} / {ms['max']:.0f} |"
            )
    lines += ["", "| job | result |", "|---|---|"]
    for name, figure in jobs.items():
        lines.append(f"| {name} | `{json.dumps(figure, ensure_ascii=False)}` |")
    summary = document["summary"]
    lines += [
        "",
        f"Slowest staff page alone: {summary.get('staff_max_alone_page')} "
        f"(`{summary.get('staff_max_alone_url')}`); slowest under load: "
        f"{summary.get('staff_max_p95_page')}.",
        "",
        "| target (issues 12 and 18) | result | met |",
        "|---|---|---|",
    ]
    for target in document["targets"]:
        met = {True: "yes", False: "**no**", None: "-"}[target["met"]]
        value = "-" if target["value"] is None else f"{target['value']:g}"
        lines.append(f"| {target['target']} | {value} | {met} |")
    return "\n".join(lines) + "\n"


def main() -> int:  # noqa: C901, PLR0915 - one script reads best top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="20,000 entries, 1 s per run")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="reuse a filled scratch database")
    parser.add_argument("--duration", type=int, default=None, help="seconds per wrk run")
    parser.add_argument("--reps", type=int, default=None, help="3 (SMALL: 2)")
    parser.add_argument("--staff-reps", type=int, default=None, help="SMALL: 1, else --reps")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-jobs", action="store_true", help="the pages only")
    args = parser.parse_args()
    size = "small" if args.small else "full"
    if args.reps is None:
        args.reps = 2 if args.small else 3
    entries, enterprises = SIZES[size]
    duration = args.duration or (2 if args.small else 8)
    # SMALL: every staff page under load once (there are ~70 of them); the full run: all reps.
    staff_reps = (
        args.staff_reps if args.staff_reps is not None else (1 if args.small else args.reps)
    )
    started_all = time.perf_counter()
    load_start = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)

    url = bench_database_url()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        # Keys of their own, dropped at the end: never the development site's cache.
        "CACHE_KEY_PREFIX": f"gongshi-bench-{os.getpid()}",
        "DEBUG": "false",
    }
    os.environ.update(
        {k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CACHE_KEY_PREFIX")}
    )
    log(f"Gongshi bench ({size}: {entries:,} entries, {enterprises:,} enterprises)")
    log(
        f"  database {urlsplit(url).path.lstrip('/')}; wrk {args.connections} connections, "
        f"{duration} s a run, {args.reps} interleaved repetitions"
    )
    servers: list[subprocess.Popen[bytes]] = []
    results: dict[str, Any] = {"pages": {}, "jobs": {}}
    try:
        existing = database_rows(url) if args.reuse else None
        if existing == entries:
            log(f"Reusing the filled database ({existing:,} entries); migrating it")
            subprocess.run(  # noqa: S603
                [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
        else:
            log("Data set")
            recreate_database(url)
            step = time.perf_counter()
            subprocess.run(  # noqa: S603
                [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
            )
            log(f"  {'migrate':<16} {time.perf_counter() - step:7.1f} s")
            from bench_data import generate

            generate(url, entries=entries, enterprises=enterprises, log=log)
        import django

        django.setup()
        import psycopg

        with psycopg.connect(url) as conn:
            rows = {
                name: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # type: ignore[index] # noqa: S608
                for name, table in [
                    ("enterprises", "registry_enterprise"),
                    ("entries", "publicity_entry"),
                    ("cases", "rectification_case"),
                    ("findings", "registry_finding"),
                    ("batches", "publicity_batch"),
                ]
            }
            notice_batches = {
                size_: int(row[0])
                for size_ in (500, 2000)
                if (
                    row := conn.execute(
                        "SELECT batch_id FROM publicity_entry GROUP BY batch_id "
                        "HAVING count(*) = %s ORDER BY batch_id DESC LIMIT 1",
                        [size_],
                    ).fetchone()
                )
            }
        results["rows"] = rows
        if args.small:
            notice_batches.pop(2000, None)

        log(
            "Server: gunicorn -c config/gunicorn.conf.py (GUNICORN_WORKERS=2, its threads), "
            "DEBUG off, page cache on"
        )
        var = ROOT / "var"
        var.mkdir(exist_ok=True)
        servers.append(start_gunicorn(env, PORT_CACHED, var / "bench-gunicorn.log"))
        wait_up(PORT_CACHED)
        port = PORT_CACHED

        # The cities' pages each on its own site; the province's at the root.
        cities = city_scenarios(url)
        city_urls, floor = cities["urls"], cities["floor"]
        huizhou_districts = cities["districts"]["huizhou"]
        province_pages, province_floor, province_districts = province_list_urls(url, pages=20)
        province_list_cold = cold_list_urls(url, province_pages, province_districts, whole=True)
        province_frag2 = fragments(url, 2, 2000)
        log(
            f"  URLs of {', '.join(CITY_SITES)}: {len(city_urls['list'])} list pages, "
            f"{len(city_urls['search2'])} two-character and {len(city_urls['search4'])} "
            f"four-character fragments, {len(city_urls['entry'])} entries; the province's: "
            f"{len(province_list_cold)} list pages, {len(province_frag2)} fragments"
        )
        with psycopg.connect(url) as conn:
            row = conn.execute(
                "SELECT batch_id FROM publicity_entry GROUP BY batch_id "
                "HAVING count(*) = 2000 ORDER BY batch_id DESC LIMIT 1"
            ).fetchone()
            last_batch = int(row[0]) if row else rows["batches"]
        # (name, urls): measured cold (every URL once, in order, after the public cache's
        # version is bumped: nothing of it cached), then the URLs that cold run asked for a
        # second time (cached: the old bench's figures). The names without "province_" are
        # the cities' (CITY_SITES, mixed), as the one-city site's were.
        cold_scenarios: list[tuple[str, list[str]]] = [
            (name, city_urls[name])
            for name in ("list", "search2", "search4", "entry", "api_list", "api_detail")
        ] + [
            ("province_list", province_list_cold),
            ("province_search2", [f"/entries/?q={quote(f)}" for f in province_frag2]),
        ]
        references: list[tuple[str, list[str]]] = [
            ("hello", ["/bench/hello/"]),
            ("floor", floor),
            ("province_floor", province_floor),
        ]
        cached_only: list[tuple[str, list[str]]] = [
            ("home", [f"/{site}/" for site in CITY_SITES]),
            ("statistics", [f"/{site}/statistics/" for site in CITY_SITES]),
            ("province_home", ["/"]),
            ("province_statistics", ["/statistics/"]),
        ]

        log("Staff: users of each role in the scratch database, logged in")
        sessions = staff_sessions()
        staff_site = {username: site for username, *_rest, site in STAFF}
        staff: list[tuple[str, str, str]] = []  # (figure name, url, cookie)
        for username, (cookie, user) in sessions.items():
            for label, page_url in staff_pages(
                user, huizhou_districts, last_batch, staff_site[username]
            ):
                staff.append((f"staff:{username.removeprefix('bench-')}:{label}", page_url, cookie))

        # Cold single requests first (each also fills the count and choice caches): each
        # city's and the province's; a figure's name says whose (":<site>" or "province_").
        log("Cold requests (empty cache)")
        from publicity.cache import public_cache_invalidate

        single_urls: dict[str, str] = {"province_home_first": "/", "province_home": "/"}
        for site in CITY_SITES:
            single_urls[f"home_first:{site}"] = f"/{site}/"
            single_urls[f"home:{site}"] = f"/{site}/"
        cold: dict[str, list[float]] = {name: [] for name in single_urls}
        for rep in range(args.reps):
            # A new cache version holds nothing: the home page's figures and map are read
            # from the database's tallies in the request (a new deployment); each site's
            # are its own (keyed by site).
            public_cache_invalidate()
            for name in ("province_home_first", *(f"home_first:{s}" for s in CITY_SITES)):
                cold[name].append(fetch(port, single_urls[name])[0] * 1000)
            # After a publication: the same path since the tallies.
            public_cache_invalidate()
            for name in ("province_home", *(f"home:{s}" for s in CITY_SITES)):
                cold[name].append(fetch(port, single_urls[name])[0] * 1000)
            singles = [
                ("list", city_urls["list"][rep]),
                ("search2", city_urls["search2"][-1 - rep]),
                ("province_list", province_list_cold[rep]),
                ("province_search2", cold_scenarios[-1][1][-1 - rep]),
                # The statistics over every published entry: computed once a cache version.
                *((f"statistics:{s}", f"/{s}/statistics/") for s in CITY_SITES),
                ("province_statistics", "/statistics/"),
            ]
            for name, page_url in singles:
                single_urls[name] = page_url
                cold.setdefault(name, []).append(fetch(port, page_url)[0] * 1000)
        for name, values in cold.items():
            results["pages"][f"single_{name}"] = {
                "ms": spread(values),
                "url": single_urls[name],
                "site": site_of_url(single_urls[name]),
            }
            log(f"  {name + ' single':<32} {statistics.median(values):9.0f} ms (median)")

        alone_n = 5 if args.small else 10
        log(f"Staff pages, one request alone ({alone_n} in a row each, after a drained server)")
        wait_drained(port)
        for name, page_url, cookie in staff:
            times, statuses = [], set()
            for _n in range(alone_n):
                seconds, status = fetch(port, page_url, cookie)
                times.append(seconds * 1000)
                statuses.add(status)
            results["pages"][name] = {
                "url": page_url,
                "alone_ms": spread(times),
                "status": sorted(statuses),
            }
            # A page the role may not open (403) is not one of its pages: not measured
            # under load, and not in the staff figures (it stays listed with its status).
            flag = "" if statuses == {200} else f"  STATUS {sorted(statuses)}: not measured"
            if statuses != {200}:
                results["pages"][name]["alone_ms"] = None
            log(
                f"  {name:<44} median {statistics.median(times):7.0f} ms  "
                f"max {max(times):7.0f}{flag}"
            )

        runs: dict[str, list[dict[str, Any]]] = {}

        def measure(
            name: str, urls: list[str], mode: str = "random", cookie: str = ""
        ) -> dict[str, Any]:
            figure = run_wrk(port, urls, duration, args.connections, mode=mode, cookie=cookie)
            figure["load1"] = round(os.getloadavg()[0], 2)
            figure["sites"] = dict(collections.Counter(site_of_url(u) for u in urls))
            figure["drain_s"] = round(wait_drained(port), 2)
            runs.setdefault(name, []).append(figure)
            log(
                f"  {name:<44} {figure['rps']:8.1f} req/s  p95 {figure['p95_ms']:8.1f} ms  "
                f"errors {figure['errors']}  load {figure['load1']:.1f}  "
                f"drain {figure['drain_s']:.1f} s" + ("  WRAPPED" if figure["wrapped"] else "")
            )
            return figure

        log(
            f"Load: {args.reps} interleaved repetitions of every public figure, "
            f"{staff_reps} of every staff page; each run drained before the next"
        )
        for rep in range(args.reps):
            log(f" repetition {rep + 1}")
            for name, urls in references:
                measure(name, urls)
            for name, urls in cold_scenarios:
                public_cache_invalidate()
                figure = measure(f"{name}_cold", urls, mode="seq")
                # The same URLs a second time: what the cold run asked for, now cached.
                measure(name, urls[: max(1, min(figure["requests"], len(urls)))])
            for name, urls in cached_only:
                # Cached figures: the cold runs above started a new cache version, so the
                # page is asked for once first (its first view is the single cold figure).
                for page_url in urls:
                    fetch(port, page_url)
                measure(name, urls)
            if rep < staff_reps:
                for name, page_url, cookie in staff:
                    if results["pages"][name]["alone_ms"] is not None:
                        measure(name, [page_url], cookie=cookie)
        for name, figures in runs.items():
            results["pages"].setdefault(name, {}).update(
                {
                    key: spread([f[key] for f in figures])
                    for key in ("rps", "p50_ms", "p95_ms", "p99_ms", "load1", "drain_s")
                }
                | {
                    "errors": sum(f["errors"] for f in figures),
                    "wrapped": any(f["wrapped"] for f in figures),
                    "urls": figures[0]["urls"],
                    # Whose pages the URLs were: a city's site path, "province" (the root).
                    "sites": figures[0]["sites"],
                }
            )

        if not args.no_jobs:
            log("Jobs (one process each)")
            jobs: list[tuple[str, list[str]]] = [
                (f"notice{size_}", ["notice", str(batch_id)])
                for size_, batch_id in notice_batches.items()
            ]
            sweeps = [1000, 5000] if args.small else [1000, 100_000]
            jobs += [(f"sweep{n // 1000}k", ["sweep", str(n)]) for n in sweeps]
            jobs.append(("export", ["export"]))
            imports = 5000 if args.small else 100_000
            jobs.append((f"import{imports // 1000}k", ["import", str(imports)]))
            for label, job_args in jobs:
                figure = run_job(env, *job_args)
                results["jobs"][label] = figure
                log(f"  {label:<12} {json.dumps(figure, ensure_ascii=False)}")
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        try:
            import redis
            from django.conf import settings

            # The cache's own database (REDIS_URL's next), where the bench's keys are.
            client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
            for key in client.scan_iter(match=f"{env['CACHE_KEY_PREFIX']}:*", count=1000):
                client.delete(key)
        except Exception as error:  # noqa: BLE001 - cleanup must not hide the real error
            log(f"(cache keys not dropped: {error})")
        if not args.keep:
            from django.db import connections

            connections.close_all()
            drop_database(url)

    pages, jobs_ = results["pages"], results["jobs"]

    def median(name: str, key: str) -> float | None:
        return pages.get(name, {}).get(key, {}).get("median")

    def ratio(a: str, b: str) -> float | None:
        top, bottom = median(a, "rps"), median(b, "rps")
        return round(top / bottom, 3) if top and bottom else None

    def single(name: str) -> float | None:
        return pages.get(f"single_{name}", {}).get("ms", {}).get("median")

    def worst_city(name: str) -> tuple[float | None, str | None]:
        """The slowest of the measured cities' single figures, and its site."""
        found = [(v, site) for site in CITY_SITES if (v := single(f"{name}:{site}")) is not None]
        return max(found) if found else (None, None)

    home_cold, home_cold_site = worst_city("home")
    home_first, home_first_site = worst_city("home_first")
    statistics_cold, statistics_cold_site = worst_city("statistics")

    staff_alone = {
        name: figure["alone_ms"]["median"]
        for name, figure in pages.items()
        if name.startswith("staff:") and figure.get("alone_ms")
    }
    staff_p95 = {
        name: figure["p95_ms"]["median"]
        for name, figure in pages.items()
        if name.startswith("staff:") and "p95_ms" in figure
    }
    slowest_alone = max(staff_alone, key=staff_alone.__getitem__) if staff_alone else None
    slowest_p95 = max(staff_p95, key=staff_p95.__getitem__) if staff_p95 else None
    summary = {
        # Issue 18's targets: cold pages (never seen by the cache) against the references.
        "list_cold_vs_floor": ratio("list_cold", "floor"),
        "list_cold_p95_ms": median("list_cold", "p95_ms"),
        "search2_cold_p95_ms": median("search2_cold", "p95_ms"),
        "search2_cold_vs_floor": ratio("search2_cold", "floor"),
        "search4_cold_p95_ms": median("search4_cold", "p95_ms"),
        "search4_cold_vs_floor": ratio("search4_cold", "floor"),
        "entry_cold_vs_hello": ratio("entry_cold", "hello"),
        "entry_cold_p95_ms": median("entry_cold", "p95_ms"),
        "api_cold_vs_floor": ratio("api_list_cold", "floor"),
        "api_detail_cold_vs_hello": ratio("api_detail_cold", "hello"),
        # The median of a page's requests alone; the slowest page named.
        "staff_max_alone_ms": staff_alone.get(slowest_alone) if slowest_alone else None,
        "staff_max_alone_page": slowest_alone,
        "staff_max_alone_url": pages.get(slowest_alone, {}).get("url") if slowest_alone else None,
        "staff_max_p95_ms": staff_p95.get(slowest_p95) if slowest_p95 else None,
        "staff_max_p95_page": slowest_p95,
        # Pages a role may not open (the lists are the same for every role; 403 here).
        "staff_pages_not_200": sorted(
            name
            for name, figure in pages.items()
            if name.startswith("staff:") and figure.get("status") not in (None, [200])
        ),
        "cold_runs_wrapped": sorted(
            name for name, figure in pages.items() if figure.get("wrapped")
        ),
        # The cities whose sites the figures without "province_" measure (mixed).
        "city_sites": list(CITY_SITES),
        "hello_rps": median("hello", "rps"),
        "floor_rps": median("floor", "rps"),
        # The old figures (issue 12), comparable: the same URLs a second time (cached).
        "list_cached_vs_floor": ratio("list", "floor"),
        "list_p95_ms": median("list", "p95_ms"),
        "search2_p95_ms": median("search2", "p95_ms"),
        "search4_p95_ms": median("search4", "p95_ms"),
        "entry_vs_hello": ratio("entry", "hello"),
        # A city's home and statistics: the slower of the measured cities (named).
        "home_cold_ms": home_cold,
        "home_cold_site": home_cold_site,
        "home_first_ms": home_first,
        "home_first_site": home_first_site,
        "statistics_cold_ms": statistics_cold,
        "statistics_cold_site": statistics_cold_site,
        # The province's pages at the root (every city's entries), against its own floor
        # (the list's rows by the same keyset without a district).
        "province_home_first_ms": single("province_home_first"),
        "province_home_cold_ms": single("province_home"),
        "province_statistics_cold_ms": single("province_statistics"),
        "province_list_cold_vs_floor": ratio("province_list_cold", "province_floor"),
        "province_list_cold_p95_ms": median("province_list_cold", "p95_ms"),
        "province_search2_cold_p95_ms": median("province_search2_cold", "p95_ms"),
        "province_search2_cold_vs_floor": ratio("province_search2_cold", "province_floor"),
        "province_list_p95_ms": median("province_list", "p95_ms"),
        "province_search2_p95_ms": median("province_search2", "p95_ms"),
        "province_home_p95_ms": median("province_home", "p95_ms"),
        "province_floor_rps": median("province_floor", "rps"),
        "notice500_s": jobs_.get("notice500", {}).get("seconds"),
        "notice2000_s": jobs_.get("notice2000", {}).get("seconds"),
        "sweep100k_s": jobs_.get("sweep100k", {}).get("seconds"),
        "sweep_queries_1k": jobs_.get("sweep1k", {}).get("queries"),
        "sweep_queries_100k": jobs_.get("sweep100k", {}).get("queries"),
        # Check and apply of 100,000 new units (the re-import as updates is in jobs).
        "import100k_s": jobs_.get("import100k", {}).get("seconds"),
        "import100k_queries": jobs_.get("import100k", {}).get("create", {}).get("queries"),
        "import100k_peak_mb": jobs_.get("import100k", {}).get("peak_mb"),
        # What a visitor gets first: the job's page for a list this long (the stream's own
        # first byte, threshold lifted, is export1m_stream_first_byte_s).
        "export1m_first_byte_s": jobs_.get("export", {}).get("answer_s")
        if size == "full"
        else None,
        "export1m_stream_first_byte_s": jobs_.get("export", {}).get("first_byte_s")
        if size == "full"
        else None,
        "export1m_peak_mb": jobs_.get("export", {}).get("peak_mb") if size == "full" else None,
        "rows": results.get("rows"),
    }
    targets = targets_met(summary)
    document = {
        "summary": summary,
        "targets": targets,
        "size": size,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": "make bench" + (" SMALL=1" if args.small else ""),
        "machine": machine(),
        # The machine is shared: how busy it was when the run started and ended (1, 5, 15 min).
        "load_average": {"start": load_start, "end": os.getloadavg()},
        "settings": {
            "gunicorn": "-c config/gunicorn.conf.py, GUNICORN_WORKERS=2 (threaded, draining)",
            "drained": "after each run: a 0.5 s pause, then until two hello requests in a row "
            "answer in under 50 ms",
            "staff_reps": staff_reps,
            "wrk": f"-t2 -c{args.connections} -d{duration}s",
            "reps": args.reps,
        },
        "pages": pages,
        "jobs": jobs_,
        "seconds": round(time.perf_counter() - started_all, 1),
    }
    name = "latest.json" if size == "full" else "latest-small.json"
    (RESULTS / name).write_text(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    log(f"\n{'figure':<24} {'req/s min/med/max':>26} {'p50':>8} {'p95':>8} {'p99':>8}")
    for page, figure in pages.items():
        if "rps" in figure:
            r = figure["rps"]
            log(
                f"{page:<24} {r['min']:>8.1f} {r['median']:>8.1f} {r['max']:>8.1f} "
                f"{figure['p50_ms']['median']:>8.1f} {figure['p95_ms']['median']:>8.1f} "
                f"{figure['p99_ms']['median']:>8.1f}"
            )
    log(f"\n{'target (issues 12, 18)':<52} {'result':>10}  met")
    for target in targets:
        shown = "-" if target["value"] is None else f"{target['value']:g}"
        met = {True: "yes", False: "NO", None: "-"}[target["met"]]
        log(f"{target['target']:<44} {shown:>10}  {met}")
    log("\nsummary " + json.dumps(summary, ensure_ascii=False))
    report = RESULTS / name.replace(".json", ".md")
    report.write_text(markdown(document), encoding="utf-8")
    log(f"load average at start {load_start}, at end {document['load_average']['end']}")
    log(f"tables for docs/performance.md: {report}")
    log(f"written {RESULTS / name} in {document['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
