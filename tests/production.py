"""The suite runs with production's settings: docs/production.env, as config/settings.py reads
it, less the lines listed in NOT_FROM_PRODUCTION (tests/conftest.py applies them for the whole
session; tests/test_production_parity.py says what differs in the end).

Among them STATICFILES_MANIFEST: pages link their static files by hashed names from the
manifest of a real ``collectstatic``, so a page naming a file that does not exist fails its
test as it fails in production, instead of linking a 404.
"""

from __future__ import annotations

import os
import runpy
from pathlib import Path
from typing import Any

import environ
from whitenoise.storage import CompressedManifestStaticFilesStorage

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = ROOT / "docs" / "production.env"

# The lines of docs/production.env the suite does not take, and why. Every other line is the
# suite's setting too, whatever is added there later.
NOT_FROM_PRODUCTION = {
    "SECRET_KEY": "a secret: the suite keeps the development key",
    "ALLOWED_HOSTS": "a host: the test client's testserver and the live server's localhost",
    "CSRF_TRUSTED_ORIGINS": "a host",
    "SITE_URL": "a host: links in notices and emails point at the development address",
    "DATABASE_URL": "the test's own PostgreSQL",
    "REDIS_URL": "the test's own Redis",
    "CACHE_URL": "the test's own Redis (REDIS_URL's next database)",
    "SECURE_SSL_REDIRECT": "HTTPS only: the test client and the live server speak plain HTTP",
    "SESSION_COOKIE_SECURE": "HTTPS only: a browser keeps the cookie from a plain HTTP site",
    "CSRF_COOKIE_SECURE": "HTTPS only: a browser keeps the cookie from a plain HTTP site",
    "STATIC_ROOT": "a temporary directory, collected once per test session",
    "MEDIA_ROOT": "var/media, or a test's own temporary directory",
    "EMAIL_BACKEND": "Django's test outbox (django.core.mail.outbox)",
    "EMAIL_HOST": "no mail server: Django's test outbox",
    "OTP_REQUIRED": (
        "the second factor's tests turn it on; the other tests sign in without a device "
        "(tests/test_url_matrix.py also runs every page with it on)"
    ),
}


def production_env_lines() -> dict[str, str]:
    """docs/production.env as name: value."""
    lines = {}
    for line in PRODUCTION_ENV.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            lines[name.strip()] = value.strip()
    return lines


def adopted_environment(static_root: Path) -> dict[str, str]:
    """The variables of docs/production.env the suite sets for itself and its subprocesses."""
    adopted = {
        name: value
        for name, value in production_env_lines().items()
        if name not in NOT_FROM_PRODUCTION
    }
    return adopted | {"STATIC_ROOT": str(static_root)}


def settings_read_with(environment: dict[str, str]) -> dict[str, Any]:
    """The settings config/settings.py makes in a process with this environment (read
    through django-environ, which settings.py reads every variable with; the process's own
    environment is left alone)."""
    saved = environ.Env.ENVIRON
    environ.Env.ENVIRON = dict(environment)
    try:
        namespace = runpy.run_path(str(ROOT / "config" / "settings.py"))
    finally:
        environ.Env.ENVIRON = saved
    return {name: value for name, value in namespace.items() if name.isupper()}


class UncompressedManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Production's storage (whitenoise's manifest: hashed names, strict lookups) without
    writing a gzip copy of every file. The copies change nothing a page names; writing them
    for the ~640 files (ECharts, Swagger UI, the map boundaries) takes ~35 s of a 2-core
    machine against ~3 s for the rest of ``collectstatic``."""

    def compress_files(self, paths):
        return iter(())


STATIC_STORAGE = f"{__name__}.{UncompressedManifestStaticFilesStorage.__qualname__}"


def suite_overrides(static_root: Path) -> dict[str, Any]:
    """The settings that differ between config/settings.py read with this process's own
    environment and read with production's adopted lines too: what the session overrides."""
    own = settings_read_with(dict(os.environ))
    production = settings_read_with(dict(os.environ) | adopted_environment(static_root))
    missing = object()
    overrides = {
        name: value for name, value in production.items() if own.get(name, missing) != value
    }
    storages = dict(overrides.get("STORAGES", production["STORAGES"]))
    storages["staticfiles"] = {"BACKEND": STATIC_STORAGE}
    overrides["STORAGES"] = storages
    # whitenoise looks each static request up in STATIC_ROOT instead of listing the ~1,300
    # collected files when its middleware starts: once per process in production, but once
    # per test client here (~0.1 s each). The live server (conftest.live_server) starts with
    # production's listing.
    overrides["WHITENOISE_AUTOREFRESH"] = True
    return overrides
