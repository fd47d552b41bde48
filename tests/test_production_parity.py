"""The suite runs what production runs (tests/production.py, tests/conftest.py): its settings
are docs/production.env's but for the differences listed here, and every static file and
template the templates and views name exists, so no page links a 404 or answers 500 for a
file in production."""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import storages
from django.template.loader import get_template
from whitenoise.storage import CompressedManifestStaticFilesStorage

from tests import production

# Where the suite's settings differ from production's (docs/production.env, its servers
# replaced by the test's), and why.
DIFFERENCES = {
    "SECRET_KEY": "a secret",
    "ALLOWED_HOSTS": "hosts (and Django's testserver)",
    "CSRF_TRUSTED_ORIGINS": "hosts",
    "SITE_URL": "hosts",
    "SECURE_SSL_REDIRECT": "HTTPS only: the tests speak plain HTTP",
    "SESSION_COOKIE_SECURE": "HTTPS only",
    "CSRF_COOKIE_SECURE": "HTTPS only",
    "EMAIL_BACKEND": "Django's test outbox",
    "EMAIL_HOST": "no mail server in tests",
    "DATABASES": "the test database (test_<name>)",
    "STORAGES": "production's static storage without gzip copies (collectstatic ~3 s, not ~35 s)",
    "WHITENOISE_AUTOREFRESH": "static files looked up per request, not listed per test client",
    "OTP_REQUIRED": "on in the second factor's tests (and in a pass of tests/test_url_matrix.py)",
}
# Which server, not how it behaves: production's values are replaced by the test's.
SERVERS = {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "STATIC_ROOT", "MEDIA_ROOT"}

ROOT = production.ROOT
TEMPLATE_DIRS = [Path(str(directory)) for directory in settings.TEMPLATES[0]["DIRS"]]  # type: ignore[attr-defined]
STATIC_TAG = re.compile(r"{%\s*static\s+(\S+)\s*%}")
TEMPLATE_TAG = re.compile(r"{%\s*(?:include|extends)\s+(\S+)")
# Static references made from a variable, and the names they take.
DYNAMIC_STATIC = {
    # public.views: the exposure map's district boundaries.
    "map.script": [f"vendor/china-cities/{settings.PUBLIC_MAP_SCRIPT}"],
}


def _production_settings() -> dict[str, object]:
    lines = {
        name: value
        for name, value in production.production_env_lines().items()
        if name not in SERVERS
    }
    environment = dict(os.environ) | lines | {"STATIC_ROOT": str(settings.STATIC_ROOT)}
    return production.settings_read_with(environment)


def test_the_suite_differs_from_production_only_where_it_says():
    theirs = _production_settings()
    names = set(theirs) | {"WHITENOISE_AUTOREFRESH"}
    missing = object()
    differing = {
        name for name in names if getattr(settings, name, missing) != theirs.get(name, missing)
    }

    assert differing - set(DIFFERENCES) == set()
    assert settings.DEBUG is False
    assert settings.MIDDLEWARE == theirs["MIDDLEWARE"]
    # The static storage is production's own class, hashed names and strict manifest alike.
    storage = type(storages["staticfiles"])
    assert issubclass(storage, CompressedManifestStaticFilesStorage)
    assert theirs["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert storage.manifest_strict is True


def test_every_line_the_suite_leaves_out_is_a_server_or_a_listed_difference():
    assert set(production.NOT_FROM_PRODUCTION) - SERVERS <= set(DIFFERENCES)


def test_pages_link_static_files_by_their_hashed_names():
    url = staticfiles_storage.url("css/site.css")

    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url)
    assert (Path(settings.STATIC_ROOT) / url.removeprefix(settings.STATIC_URL)).is_file()


def _our_apps() -> list[Path]:
    """The directories of the project's own apps (not the virtualenv's, under ROOT too)."""
    return [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(ROOT)
        and not Path(config.path).is_relative_to(ROOT / ".venv")
    ]


def _template_files() -> list[Path]:
    directories = list(TEMPLATE_DIRS)
    directories += [path / "templates" for path in _our_apps() if (path / "templates").is_dir()]
    return sorted(path for directory in directories for path in directory.rglob("*.html"))


def test_every_static_file_a_template_names_exists():
    missing, unknown = [], []
    for path in _template_files():
        for argument in STATIC_TAG.findall(path.read_text()):
            if argument[0] in "'\"":
                names = [argument.strip("'\"")]
            elif argument in DYNAMIC_STATIC:
                names = DYNAMIC_STATIC[argument]
            else:
                unknown.append(f"{path.relative_to(ROOT)}: {argument}")
                continue
            for name in names:
                try:
                    staticfiles_storage.url(name)  # the manifest, as production looks it up
                except ValueError:
                    missing.append(f"{path.relative_to(ROOT)}: {name}")
                if not finders.find(name):  # and the file among the sources
                    missing.append(f"{path.relative_to(ROOT)}: {name} (no source)")
    assert missing == []
    assert unknown == []  # a reference from a variable: say in DYNAMIC_STATIC what it names


def test_the_static_files_named_in_code_exist():
    # core.views.favicon; the Swagger UI (drf-spectacular links its files by plain names).
    for name in ["favicon.svg", f"vendor/china-cities/{settings.PUBLIC_MAP_SCRIPT}"]:
        assert staticfiles_storage.url(name)
    swagger = settings.SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"].removeprefix(settings.STATIC_URL)
    for name in ["swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"]:
        assert (Path(settings.STATIC_ROOT) / swagger / name).is_file()


def test_every_template_a_template_includes_or_extends_exists():
    missing, unknown = [], []
    for path in _template_files():
        for argument in TEMPLATE_TAG.findall(path.read_text()):
            if argument[0] not in "'\"":
                unknown.append(f"{path.relative_to(ROOT)}: {argument}")
                continue
            name = argument.strip("'\"")
            try:
                get_template(name)
            except Exception as error:  # noqa: BLE001 - missing or broken: both are failures
                missing.append(f"{path.relative_to(ROOT)}: {name} ({error!r})")
    assert missing == []
    assert unknown == []


def test_every_template_the_code_names_exists():
    literal = re.compile(r"""["']([\w/.-]+\.html)["']""")
    missing = []
    for directory in [*_our_apps(), ROOT / "config"]:
        for path in directory.rglob("*.py"):
            for name in literal.findall(path.read_text()):
                try:
                    get_template(name)
                except Exception as error:  # noqa: BLE001
                    missing.append(f"{path.relative_to(ROOT)}: {name} ({error!r})")
    assert len(missing) == 0, missing
