"""``make bench``: the public site and the jobs at national scale, against the database floor.

    python scripts/stack.py bench [--small] [--keep] [--reuse] [--duration S] [--reps N]

1. A scratch database beside the one DATABASE_URL names (its name + ``_bench``), migrated,
   then filled in SQL (scripts/bench_data.py): 200,000 enterprises and 1,000,000 published
   entries with their findings and cases (``--small``: 4,000 and 20,000). ``--reuse`` keeps a
   database already filled to that size; ``--keep`` does not drop it at the end.
2. The site under gunicorn (2 sync workers, config.settings_bench: DEBUG off, production's
   cache and pool), twice: page cache on, and off (PUBLIC_PAGE_CACHE=false).
3. wrk on loopback, from its own process (16 connections), against each page and two
   references that exist only in the bench configuration: a bare "hello" view and the
   list's floor (one SQL query for the same 50 rows and their count). Every figure runs
   ``--reps`` times, interleaved with the others; min, median and max are reported.
4. The jobs, each in a process of its own (scripts/bench_jobs.py): notice PDFs, the reminder
   sweep with its query count, the CSV export of the whole list, the enterprise import of
   100,000 generated units (``--small``: 5,000) and its re-import as updates.

Writes bench/results/latest.json (``summary`` holds the headline figures; null where a
figure was not measured) and prints the table. Timing lives here, never in the tests.
"""

from __future__ import annotations

import argparse
import datetime
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
    handle = log_path.open("wb")
    return subprocess.Popen(  # noqa: S603 - fixed arguments
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            # Long enough for the cold pages at 1M rows not to be killed mid-measurement.
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
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


def fetch(port: int, path: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:  # noqa: S310 - loopback
        response.read()
        status = response.status
    return time.perf_counter() - started, status


def run_wrk(port: int, urls: list[str], seconds: int, connections: int) -> dict[str, Any]:
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
        env={**os.environ, "BENCH_URLS": str(url_file)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    url_file.unlink(missing_ok=True)
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))


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


def list_urls(conninfo: str, pages: int) -> tuple[list[str], list[str], list[int]]:
    """The list's URLs for pages 1..pages of every district by keyset cursor, the floor's for
    the same pages, and the districts."""
    import psycopg

    from publicity.public.selectors import _cursor_encode

    page_size = 50
    urls, floors = [], []
    with psycopg.connect(conninfo) as conn:
        districts = [
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT district_id FROM publicity_entry ORDER BY 1"
            ).fetchall()
        ]
        for district in districts:
            # The last row of each page: the cursor of the next one.
            rows = conn.execute(
                """
                SELECT published_on, id FROM (
                    SELECT published_on, id, row_number() OVER (
                        ORDER BY published_on DESC, id DESC) AS n
                    FROM publicity_entry WHERE district_id = %s AND status = 'listed'
                    ORDER BY published_on DESC, id DESC LIMIT %s) AS ranked
                WHERE n %% %s = 0 ORDER BY n
                """,
                [district, page_size * pages, page_size],
            ).fetchall()
            urls.append(f"/entries/?district={district}")
            floors.append(f"/bench/floor/?district={district}&page=1")
            for number, (published_on, pk) in enumerate(rows[: pages - 1], start=2):
                cursor = _cursor_encode(published_on, pk)
                urls.append(f"/entries/?district={district}&after={cursor}")
                floors.append(f"/bench/floor/?district={district}&page={number}")
    return urls, floors, districts


def entry_urls(conninfo: str, count: int = 2000) -> list[str]:
    import psycopg

    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT max(id) FROM publicity_entry").fetchone()
    top = int(row[0]) if row and row[0] else 1
    return [f"/entries/{(n * 7919) % top + 1}/" for n in range(count)]


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
    ("list_vs_floor", "list, page cache off >= 0.5x floor req/s", ">=", 0.5),
    ("list_p95_ms", "list p95 <= 100 ms (cache on)", "<=", 100),
    ("search2_p95_ms", "two-character search p95 <= 50 ms", "<=", 50),
    ("entry_vs_hello", "entry page >= 0.3x hello req/s", ">=", 0.3),
    ("home_first_ms", "home, never-cached figures <= 200 ms", "<=", 200),
    ("home_cold_ms", "home after a publication <= 200 ms", "<=", 200),
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
    "floor": "floor: the list's SQL (bench only)",
    "list": "list, district, pages 1-20 (cache on)",
    "list_nocache": "list, same, page cache off",
    "list_two_filters_sort": "list, district + disposition, sort by name",
    "search2": "search, two characters (cache on)",
    "search2_nocache": "search, two characters, page cache off",
    "search4": "search, four characters (cache on)",
    "search4_nocache": "search, four characters, page cache off",
    "entry": "entry page (cache on)",
    "entry_nocache": "entry page, page cache off",
    "batch": "batch page",
    "statistics": "statistics",
    "home": "home",
    "api_list": "API list (district)",
}


def markdown(document: dict[str, Any]) -> str:
    """The run as the tables of docs/performance.md."""
    pages, jobs = document["pages"], document["jobs"]
    hello = pages.get("hello", {}).get("rps", {}).get("median")
    floor = pages.get("floor", {}).get("rps", {}).get("median")
    lines = [
        f"Run {document['date']}, `{document['command']}`, {document['seconds']:.0f} s; "
        f"rows {document['summary']['rows']}; load average at start / end "
        f"{document['load_average']['start'][0]:.1f} / {document['load_average']['end'][0]:.1f}.",
        "",
        "| figure | req/s min / median / max | p50 ms | p95 ms | p99 ms | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for name, figure in pages.items():
        if "rps" not in figure:
            continue
        r = figure["rps"]
        base = floor if name.startswith(("list", "search")) else hello
        against = "floor" if name.startswith(("list", "search")) else "hello"
        ratio = (
            f"{r['median'] / base:.2f}x {against}"
            if base and name not in ("hello", "floor")
            else ""
        )
        lines.append(
            f"| {PAGE_LABELS.get(name, name)} | {r['min']:.1f} / {r['median']:.1f} / "
            f"{r['max']:.1f} | {figure['p50_ms']['median']:.0f} | "
            f"{figure['p95_ms']['median']:.0f} | {figure['p99_ms']['median']:.0f} | {ratio} |"
        )
    lines += ["", "| single cold request | min / median / max ms |", "|---|---|"]
    for name, figure in pages.items():
        if "ms" in figure:
            ms = figure["ms"]
            lines.append(f"| {name} | {ms['min']:.0f} / {ms['median']:.0f} / {ms['max']:.0f} |")
    lines += ["", "| job | result |", "|---|---|"]
    for name, figure in jobs.items():
        lines.append(f"| {name} | `{json.dumps(figure, ensure_ascii=False)}` |")
    lines += ["", "| target (issue 12) | result | met |", "|---|---|---|"]
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
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-jobs", action="store_true", help="the pages only")
    parser.add_argument(
        "--no-warm",
        dest="warm",
        action="store_false",
        help="skip fetching every URL of the cached site once before the load (by default "
        "the cached site's figures are the page cache's steady state; first views are the "
        "uncached server's figures and the cold single requests)",
    )
    args = parser.parse_args()
    size = "small" if args.small else "full"
    entries, enterprises = SIZES[size]
    duration = args.duration or (1 if args.small else 8)
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

        log("Servers: gunicorn, 2 sync workers, DEBUG off (page cache on / off)")
        var = ROOT / "var"
        var.mkdir(exist_ok=True)
        servers.append(start_gunicorn(env, PORT_CACHED, var / "bench-gunicorn.log"))
        servers.append(
            start_gunicorn(
                {**env, "PUBLIC_PAGE_CACHE": "false"}, PORT_NOCACHE, var / "bench-gunicorn-nc.log"
            )
        )
        wait_up(PORT_CACHED)
        wait_up(PORT_NOCACHE)

        list_, floor, districts = list_urls(url, pages=20)
        # SMALL: fewer entry pages, so that warming them stays within its minute.
        entries_ = entry_urls(url, count=200 if args.small else 2000)
        q = [f"/entries/?q={quote(pair)}" for pair in SEARCH_PAIRS]
        q4 = [f"/entries/?q={quote(text)}" for text in FOUR_CHAR]
        two_filters = [
            f"/entries/?district={d}&disposition={disp}&sort=name"
            for d in districts
            for disp in ("banned", "rectify_by_deadline", "suspended")
        ]
        batches = [f"/batches/{n}/" for n in range(1, rows["batches"] + 1, 7)]
        api = [f"/api/public/entries/?district={d}" for d in districts]
        # (name, port, urls): every page on the cached site, the list also uncached.
        scenarios: list[tuple[str, int, list[str]]] = [
            ("hello", PORT_CACHED, ["/bench/hello/"]),
            ("floor", PORT_CACHED, floor),
            ("list", PORT_CACHED, list_),
            ("list_nocache", PORT_NOCACHE, list_),
            ("list_two_filters_sort", PORT_CACHED, two_filters),
            ("search2", PORT_CACHED, q),
            ("search2_nocache", PORT_NOCACHE, q),
            ("search4", PORT_CACHED, q4),
            ("search4_nocache", PORT_NOCACHE, q4),
            ("entry", PORT_CACHED, entries_),
            ("entry_nocache", PORT_NOCACHE, entries_),
            ("batch", PORT_CACHED, batches),
            ("statistics", PORT_CACHED, ["/statistics/"]),
            ("home", PORT_CACHED, ["/"]),
            ("api_list", PORT_CACHED, api),
        ]
        if args.small:
            # Under a minute: the headline figures only.
            keep = {"hello", "floor", "list", "list_nocache", "search2", "search2_nocache"}
            keep |= {"entry", "home"}
            scenarios = [s for s in scenarios if s[0] in keep]
            notice_batches.pop(2000, None)
        # Cold single requests first (each also fills the count and choice caches).
        log("Cold requests (empty cache)")
        from publicity.cache import public_cache_invalidate

        cold: dict[str, list[float]] = {"home_first": [], "home": [], "list": [], "search2": []}
        for _rep in range(args.reps):
            # A new cache version holds nothing: the home page's figures and map are read
            # from the database's tallies in the request (a new deployment).
            public_cache_invalidate()
            cold["home_first"].append(fetch(PORT_CACHED, "/")[0] * 1000)
            # After a publication: the same path since the tallies (it was the last figures
            # shown while a job recounted); kept so the figures compare with older runs.
            public_cache_invalidate()
            cold["home"].append(fetch(PORT_CACHED, "/")[0] * 1000)
            cold["list"].append(fetch(PORT_CACHED, list_[0])[0] * 1000)
            cold["search2"].append(fetch(PORT_NOCACHE, q[0])[0] * 1000)
        for name, values in cold.items():
            results["pages"][f"{name}_cold"] = {"ms": spread(values)}
            log(f"  {name + ' cold':<24} {statistics.median(values):9.0f} ms (median)")

        if args.warm:
            from concurrent.futures import ThreadPoolExecutor

            step = time.perf_counter()
            warm = sorted({u for _n, port, urls in scenarios if port == PORT_CACHED for u in urls})
            with ThreadPoolExecutor(max_workers=4) as pool:
                list(pool.map(lambda path: fetch(PORT_CACHED, path), warm))
            log(f"Warmed the cached site: {len(warm)} URLs in {time.perf_counter() - step:.1f} s")
        results["warm"] = args.warm

        log(f"Load: {len(scenarios)} figures x {args.reps}, interleaved")
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name, _p, _u in scenarios}
        for rep in range(args.reps):
            for name, port, urls in scenarios:
                figure = run_wrk(port, urls, duration, args.connections)
                runs[name].append(figure)
                log(
                    f"  [{rep + 1}] {name:<22} {figure['rps']:8.1f} req/s  "
                    f"p95 {figure['p95_ms']:8.1f} ms  errors {figure['errors']}"
                )
        for name, figures in runs.items():
            results["pages"][name] = {
                key: spread([f[key] for f in figures])
                for key in ("rps", "p50_ms", "p95_ms", "p99_ms")
            } | {"errors": sum(f["errors"] for f in figures)}

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

    summary = {
        "list_vs_floor": ratio("list_nocache", "floor"),
        "list_cached_vs_floor": ratio("list", "floor"),
        "list_p95_ms": median("list", "p95_ms"),
        "list_nocache_p95_ms": median("list_nocache", "p95_ms"),
        "search2_p95_ms": median("search2", "p95_ms"),
        "search2_nocache_p95_ms": median("search2_nocache", "p95_ms"),
        "search4_p95_ms": median("search4", "p95_ms"),
        "entry_vs_hello": ratio("entry", "hello"),
        "entry_nocache_vs_hello": ratio("entry_nocache", "hello"),
        "home_cold_ms": pages.get("home_cold", {}).get("ms", {}).get("median"),
        "home_first_ms": pages.get("home_first_cold", {}).get("ms", {}).get("median"),
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
        "command": "make bench"
        + (" SMALL=1" if args.small else "")
        + ("" if args.warm else " ARGS=--no-warm"),
        "machine": machine(),
        # The machine is shared: how busy it was when the run started and ended (1, 5, 15 min).
        "load_average": {"start": load_start, "end": os.getloadavg()},
        "settings": {
            "gunicorn": "2 sync workers",
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
    log(f"\n{'target (issue 12)':<44} {'result':>10}  met")
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
