"""Database connections killed (issue 10: one 500 per pooled connection before recovery): the
pool checks a connection before lending it, so the next requests all succeed."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import ListedEntryFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def _terminate_other_connections() -> int:
    """End every other session on the test database (the shared server keeps running)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def test_requests_succeed_after_the_database_connections_are_killed(site):
    listed = ListedEntryFactory()
    pages = ["/", "/entries/", f"/entries/{listed.pk}/", "/healthz", "/api/public/entries/"]
    # Fill the web process's pool (two threads: up to two connections).
    assert [site.get(path)[0] for path in pages * 2] == [200] * len(pages) * 2

    killed = _terminate_other_connections()

    assert killed >= 1
    assert [site.get(path)[0] for path in pages * 2] == [200] * len(pages) * 2
