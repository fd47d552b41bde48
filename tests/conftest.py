"""Shared fixtures. Tests run against real PostgreSQL and Redis (DATABASE_URL, REDIS_URL;
``make test`` starts embedded servers when those are unset)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache

from tests import production


@pytest.fixture(scope="session", autouse=True)
def _production_settings(django_test_environment):
    """Every test runs with production's settings (tests/production.py): docs/production.env
    as config/settings.py reads it, less hosts, secrets, the test's own servers and the
    HTTPS-only settings. Static files are collected once for the session into a temporary
    STATIC_ROOT and linked by their hashed names from the manifest, so a page that names a
    missing file fails as it would in production. Subprocesses of tests (gunicorn, workers)
    inherit the same environment."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    static_root = Path(tempfile.mkdtemp(prefix="gongshi-static-"))
    overrides = production.suite_overrides(static_root)
    saved_environment = dict(os.environ)
    os.environ.update(production.adopted_environment(static_root))
    with override_settings(**overrides):
        call_command("collectstatic", interactive=False, verbosity=0)
        try:
            yield overrides
        finally:
            os.environ.clear()
            os.environ.update(saved_environment)
            shutil.rmtree(static_root, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, serving static files as production does: whitenoise
    answers from the collected STATIC_ROOT by hashed names. (pytest-django wraps the site in
    staticfiles' handler, which looks files up by their plain names in the source
    directories, and in Django's handler of /media/, which production never serves.)"""
    from django.test.testcases import LiveServerThread
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread = LiveServerThread(
        server.thread.host,
        # LiveServerThread passes the site wrapped in Django's /media/ handler: the site alone.
        static_handler=lambda media_handler: media_handler.application,
        connections_override={},
        port=server.thread.port,
    )
    server.thread.daemon = True
    # The site's middleware starts with the server: whitenoise lists STATIC_ROOT once, as in
    # production, rather than looking each request up as the test clients' does.
    with override_settings(WHITENOISE_AUTOREFRESH=False):
        server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The suite's city is served at the root, as a city installed alone without a site path:
    migration registry/0014 gave the migrated city one (settings.CITY_SITE_SLUG), which would
    send every public address to /huizhou/...; the tests of the sites by path set theirs
    (tests/public/test_sites.py)."""
    from registry.models import Authority

    with django_db_blocker.unblock():
        Authority.objects.update(site_slug=None)


@pytest.fixture(autouse=True)
def _default_language(settings):
    # A request activates its language in the test's thread and nothing deactivates it: each
    # test starts in the site's default language whatever the test before it asked for.
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    # Each test starts with an empty cache in its own Redis key space, and no copy of the
    # authorities' rules kept by the test's thread (registry.authorities).
    from registry.authorities import forget

    cache.clear()
    forget()
    yield
    cache.clear()
    forget()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Put back the rows the data migrations load (districts, industries, departments, legal
    provisions, the city's authority, the working-day calendar) before a
    transactional test.

    A transactional test ends by emptying every table, so without this only the first of
    them would find the reference data. Tests inside a transaction (plain ``db``) see the
    migrated rows as they are.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps

    from registry.models import Jurisdiction

    if not Jurisdiction.objects.exists():
        importlib.import_module("registry.migrations.0002_reference_data").load(apps, None)
        importlib.import_module("registry.migrations.0006_reference_data_english_names").fill(
            apps, None
        )
        authority = importlib.import_module("registry.migrations.0012_authority")
        authority.authority_from_settings(apps, None)
    # The role groups are put back by the flush itself: its post_migrate runs
    # core.services.role_groups_sync (core.apps).
    from core.models import CalendarYear

    if not CalendarYear.objects.exists():
        importlib.import_module("core.migrations.0002_seed_calendar").seed(apps, None)


@pytest.fixture
def count_queries():
    """The number of queries ``fn()`` runs (the public site's and the submissions' tests)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(fn):
        with CaptureQueriesContext(connection) as context:
            fn()
        return len(context)

    return count


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker in a thread of this process, consuming from the real Redis broker.

    Job tests use ``transactional_db`` so the worker's own database connection sees the rows
    the test committed.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    # Drop jobs left on the test broker by an earlier, interrupted run.
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def exposure(db):
    """One published batch of four entries and a draft batch of one, with their cases; each
    entry is a different unit.

    Entries of the published batch: two listed (one case open, one open and overdue), one
    removed after its case was rectified, one withdrawn on objection (no case). The draft
    batch holds one planned entry. ``case`` and ``entry`` make more of the same.
    """
    import datetime
    from types import SimpleNamespace

    from django.utils import timezone

    from publicity.enums import EntryStatus
    from rectification.enums import CaseStatus
    from tests.factories import (
        BatchFactory,
        CaseFactory,
        EnterpriseFactory,
        EntryFactory,
        PublishedBatchFactory,
    )

    today = timezone.localdate()
    published = PublishedBatchFactory(
        composed_by__username="composer",
        approved_by__username="approver",
        published_on=today - datetime.timedelta(days=30),
    )
    draft = BatchFactory(composed_by=published.composed_by)

    def case(status, deadline_in_days):
        return CaseFactory(
            enterprise=EnterpriseFactory(),
            status=status,
            opened_on=published.published_on,
            deadline=today + datetime.timedelta(days=deadline_in_days),
            closed_on=None if status in CaseStatus.active() else today,
        )

    def entry(batch, status, case_=None):
        return EntryFactory(
            batch=batch,
            status=status,
            # Each entry is its own unit: the entry's case's, or a new one.
            finding__inspection__enterprise=case_.enterprise if case_ else EnterpriseFactory(),
            case=case_,
            published_on=batch.published_on if case_ else None,
        )

    cases = [case(CaseStatus.OPEN, 30), case(CaseStatus.OPEN, -1), case(CaseStatus.RECTIFIED, -10)]
    entries = [
        entry(published, EntryStatus.LISTED, cases[0]),
        entry(published, EntryStatus.LISTED, cases[1]),
        entry(published, EntryStatus.REMOVED, cases[2]),
        entry(published, EntryStatus.WITHDRAWN_ON_OBJECTION),
        entry(draft, EntryStatus.PLANNED),
    ]
    return SimpleNamespace(
        composer=published.composed_by,
        approver=published.approved_by,
        published=published,
        draft=draft,
        cases=cases,
        entries=entries,
        case=case,
        entry=entry,
    )
