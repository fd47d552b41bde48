"""Make the README's pictures again from the demo, as a visitor sees it in production.

    make screenshots        # or: .venv/bin/python scripts/screenshots.py

It loads the demo into a database of its own (``gongshi_screenshots``, made anew on the same
server as DATABASE_URL, or the embedded one), builds the demo's notices, collects the static
files with the manifest storage and serves them with DEBUG off behind gunicorn, as
docs/production.env does; then Chromium (Debian's, /usr/bin/chromium) takes the pages and
pdftoppm draws page 1 of the first batch's notice. The pictures go to docs/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # noqa: E402 - the launcher beside this file: embedded servers, manage()

ROOT = stack.ROOT
DOCS = ROOT / "docs"
DATABASE = "gongshi_screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
WIDTH, HEIGHT = 1280, 900
# The notice's first page at 80 dpi: an A4 landscape page is 936 pixels wide, as the README shows.
NOTICE_DPI = 80
READY_TIMEOUT = 60.0


def database_url(url: str, name: str) -> str:
    """The same server as ``url``, another database."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def recreate_database(url: str) -> None:
    import psycopg

    admin = database_url(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


@contextlib.contextmanager
def production_server(env: dict[str, str]) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn and settings
        [
            stack.PYTHON,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.conf.py",
            "config.wsgi",
        ],
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": "2",
            "GUNICORN_ACCESS_LOG": os.devnull,
        },
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/healthz")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def take_pages(url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(
            base_url=url, locale="zh-CN", viewport={"width": WIDTH, "height": HEIGHT}
        )
        page = context.new_page()
        # Huizhou's site (/huizhou/...): the demo's city with its own history.
        page.goto("/huizhou/entries/?year=2010")
        page.screenshot(path=DOCS / "screenshot-list.png")
        # An entry of the first batch whose case has a timeline: the list's first one.
        page.goto("/huizhou/entries/?year=2008&scope=all")
        page.locator(".entry-card__title a").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=DOCS / "screenshot-entry.png", full_page=True)
        page.goto("/huizhou/statistics/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=DOCS / "screenshot-statistics.png", full_page=True)
        for path, name in (("/huizhou/", "screenshot-map"), ("/", "screenshot-province")):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            block = page.locator("figure.map-block")
            block.wait_for()
            # The map script marks the element once ECharts has drawn the map (as SVG).
            page.locator("[data-map][data-map-districts] svg").first.wait_for()
            page.wait_for_timeout(800)  # the map's entry animation
            block.screenshot(path=DOCS / f"{name}.png")
        browser.close()


def draw_notice(media_root: Path) -> None:
    first = first_batch_notice(media_root)
    out = DOCS / "notice-page1"
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise SystemExit("pdftoppm not found (apt-get install poppler-utils)")
    subprocess.run(  # noqa: S603 - poppler's pdftoppm on our own file
        [pdftoppm, "-png", "-r", str(NOTICE_DPI), "-f", "1", "-l", "1", "-singlefile", first, out],
        check=True,
    )


def first_batch_notice(media_root: Path) -> str:
    import django

    django.setup()
    from publicity.models import Batch

    batch = Batch.objects.exclude(notice_pdf="").order_by("year", "number").first()
    if batch is None:
        raise SystemExit("no published batch with a notice")
    return str(media_root / str(batch.notice_pdf.name))


def main() -> int:
    env = dict(os.environ)
    with stack.services(env), tempfile.TemporaryDirectory(prefix="gongshi-shots-") as scratch:
        recreate_database(env["DATABASE_URL"])
        media = Path(scratch) / "media"
        env.update(
            {
                "DATABASE_URL": database_url(env["DATABASE_URL"], DATABASE),
                "DEBUG": "false",
                "SECRET_KEY": "screenshots-only-" + "x" * 40,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "STATICFILES_MANIFEST": "true",
                "STATIC_ROOT": str(Path(scratch) / "static"),
                "MEDIA_ROOT": str(media),
            }
        )
        stack.manage(env, "migrate", "--noinput")
        stack.manage(env, "load_demo")
        stack.manage(env, "build_notices")
        stack.manage(env, "collectstatic", "--noinput", "-v", "0")
        with production_server(env) as url:
            take_pages(url)
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        sys.path.insert(0, str(ROOT))
        draw_notice(media)
    for name in (
        "screenshot-list",
        "screenshot-entry",
        "screenshot-statistics",
        "screenshot-map",
        "screenshot-province",
    ):
        stack.log(f"docs/{name}.png")
    stack.log("docs/notice-page1.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
