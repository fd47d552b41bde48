"""Helpers for tests that start processes of their own (a Celery worker in a subprocess), and
for waiting on what those processes do."""

import os
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import connection

_T = TypeVar("_T")


def wait_until(
    condition: Callable[[], _T],
    *,
    timeout: float = 30.0,
    interval: float = 0.05,
    what: str = "the condition",
) -> _T:
    """Wait on ``condition`` (a worker's job done, a row written, a process ready): its first
    truthy value, as soon as it holds; an AssertionError naming ``what`` if it does not hold
    within ``timeout`` seconds. The one place tests wait: never a fixed sleep in its stead."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        time.sleep(interval)


def subprocess_database_url() -> str:
    """DATABASE_URL pointing at the test database, for a subprocess of the test.

    Built from the URL the suite was started with (a TCP host, or a unix socket directory
    percent-encoded in the host, as the embedded server gives), with the test database's name.
    """
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/gongshi")
    return url.split("?", 1)[0].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]


def tiny_pdf(text: str = "evidence") -> bytes:
    """A real one-page PDF (the upload checks parse PDFs; a header alone is refused)."""
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, invariant=True)  # same bytes every time
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return out.getvalue()
