"""The database router against a real streaming replica (issue 20): a PostgreSQL primary and
its standby of the test's own (scripts/postgres_pair.py), both logging every statement, and
gunicorn serving the site on them. Each request searches for a word of its own, so the
servers' logs say which of them ran its query: public reads on the replica; staff pages,
and a person's reads just after a write, on the primary; a replica behind by more than the
bound, or stopped, skipped without one failed request."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.faults.conftest import Site, run_python, wait_for
from tests.replicas.conftest import LIST, Visitor, environment

pytestmark = pytest.mark.replicas

BASE_DIR = Path(__file__).resolve().parents[2]


def word() -> str:
    """A search word no other request asks (letters, so the list searches names for it)."""
    return "w" + uuid.uuid4().hex[:12]


def search(site: Site, path: str = LIST) -> str:
    asked = word()
    status, _body = site.get(f"{path}?q={asked}")
    assert status == 200, (path, status)
    return asked


def staff_session(env: dict[str, str]) -> str:
    """A logged-in session of a superuser, minted on the primary (as a login makes one)."""
    return (
        run_python(
            env,
            "from django.contrib.auth.models import User\n"
            "from django.test import Client\n"
            "user, _ = User.objects.get_or_create(username='replica-admin', "
            "defaults={'is_staff': True, 'is_superuser': True})\n"
            "client = Client()\n"
            "client.force_login(user)\n"
            "print(client.cookies['sessionid'].value)\n",
        )
        .strip()
        .splitlines()[-1]
    )


def test_public_reads_on_the_replica_staff_and_post_write_reads_on_the_primary(
    pair, redis, tmp_path
):
    env = environment(pair, redis, tmp_path)
    site = Site(env, tmp_path / "gunicorn.log")
    try:
        # The public list and its API: the replica.
        assert pair.where(search(site)) == ["replica"]
        assert pair.where(search(site, "/huizhou/api/public/entries/")) == ["replica"]

        # A staff page (the register's search): the primary, always.
        staff = Visitor(site, f"sessionid={staff_session(env)}")
        assert pair.where(search(staff, "/staff/enterprises/")) == ["primary"]

        # A person who has just written (a POST, here the language switch) reads the
        # primary for a while; someone else still reads the replica.
        assert site.get("/huizhou/reports/new/")[0] == 200  # the form's CSRF cookie
        assert site.post("/i18n/setlang/", {"language": "en", "next": LIST})[0] == 302
        assert pair.where(search(site)) == ["primary"]
        other = Visitor(site)
        assert pair.where(search(other)) == ["replica"]

        # /healthz reports the replica and its lag.
        status, body = other.get("/healthz")
        databases = json.loads(body)["databases"]
        assert status == 200
        assert databases["default"] == {"role": "primary"}
        assert databases["replica1"]["usable"] is True
        assert 0 <= databases["replica1"]["lag_seconds"] <= 2  # within the bound
    finally:
        site.stop()


def test_a_replica_behind_or_stopped_is_skipped_without_a_failed_request(pair, redis, tmp_path):
    env = environment(pair, redis, tmp_path)
    site = Site(env, tmp_path / "gunicorn.log")
    try:
        assert pair.where(search(site)) == ["replica"]

        # Replay paused and the primary written to: the replica falls behind the bound.
        pair.replica.sql("SELECT pg_wal_replay_pause()")
        pair.primary.sql("CREATE TABLE replica_test_write (n int); DROP TABLE replica_test_write")
        wait_for(lambda: pair.where(search(site)) == ["primary"], timeout=15,
                 what="reads to leave the lagging replica")  # fmt: skip
        status, body = site.get("/healthz")
        assert json.loads(body)["databases"]["replica1"]["usable"] is False
        pair.replica.sql("SELECT pg_wal_replay_resume()")
        wait_for(lambda: pair.where(search(site)) == ["replica"], timeout=15,
                 what="reads back on the replica once it caught up")  # fmt: skip

        # Stopped: every request answered, from the primary; back when it is.
        pair.replica.stop("immediate")
        asked = [search(site) for _ in range(5)]
        assert [pair.where(one) for one in asked] == [["primary"]] * 5
        status, body = site.get("/healthz")
        assert status == 200
        assert json.loads(body)["databases"]["replica1"]["reachable"] is False
        pair.replica.start()
        wait_for(lambda: pair.where(search(site)) == ["replica"], timeout=30,
                 what="reads back on the restarted replica")  # fmt: skip
    finally:
        site.stop()


def test_a_replica_that_fails_under_a_request_is_read_again_from_the_primary(pair, redis, tmp_path):
    # The process believes the replica fit for a long while (no check between requests):
    # the request that meets it stopped is the one that must not fail.
    env = environment(pair, redis, tmp_path, REPLICA_CHECK_SECONDS="600")
    site = Site(env, tmp_path / "gunicorn.log")
    try:
        assert pair.where(search(site)) == ["replica"]
        pair.replica.stop("immediate")
        asked = search(site)
        assert pair.where(asked) == ["primary"]
        assert "read again from the primary" in (tmp_path / "gunicorn.log").read_text()
    finally:
        site.stop()
        if not pair.replica.running():
            pair.replica.start()


def test_after_a_change_the_public_sees_a_replica_serves_only_once_it_has_replayed_it(
    pair, redis, tmp_path
):
    # Lag alone would never skip it here: only the change's position does.
    env = environment(pair, redis, tmp_path, REPLICA_MAX_LAG_SECONDS="3600")
    site = Site(env, tmp_path / "gunicorn.log")
    try:
        assert pair.where(search(site)) == ["replica"]
        pair.replica.sql("SELECT pg_wal_replay_pause()")
        # A change the public sees (a publication's commit bumps the public cache's
        # version), made after the standby stopped replaying.
        pair.primary.sql("CREATE TABLE replica_test_write (n int); DROP TABLE replica_test_write")
        run_python(env, "from publicity.cache import public_cache_invalidate\n"
                        "public_cache_invalidate()\n")  # fmt: skip
        assert pair.where(search(site)) == ["primary"]
        pair.replica.sql("SELECT pg_wal_replay_resume()")
        wait_for(lambda: pair.where(search(site)) == ["replica"], timeout=15,
                 what="reads back on the replica once it replayed the change")  # fmt: skip
    finally:
        site.stop()
        pair.replica.sql("SELECT pg_wal_replay_resume()")
