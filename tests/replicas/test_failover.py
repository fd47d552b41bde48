"""Failover of the primary (issue 20): the site's DATABASE_URL names both servers with
libpq's ``target_session_attrs=read-write``; the primary is stopped as a crash stops it and
the standby promoted, and the same web process, never restarted, goes on writing to the new
primary. While there is no writable server a request is refused with a clear 503, and a
write committed before the crash is there after it."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.faults.conftest import Site, run_python, wait_for
from tests.replicas.conftest import LIST, Visitor, environment

pytestmark = pytest.mark.replicas

PASSWORD = "a-long-test-password-" + uuid.uuid4().hex[:8]


def log_in(site: Site, username: str) -> Visitor:
    visitor = Visitor(site)
    assert visitor.get("/staff/login/")[0] == 200  # the form's CSRF cookie
    status, _ = visitor.post("/staff/login/", {"username": username, "password": PASSWORD})
    assert status == 302, "the login (a session written) was refused"
    return visitor


def test_the_site_goes_on_writing_after_the_standby_is_promoted(pair, redis, tmp_path):
    both = (
        f"postgres://postgres@127.0.0.1:{pair.primary.port},127.0.0.1:{pair.replica.port}"
        "/gongshi?target_session_attrs=read-write"
    )
    env = environment(pair, redis, tmp_path, DATABASE_URL=both, DB_POOL_TIMEOUT="3")
    env.pop("DATABASE_REPLICA_URLS")  # the standby is the primary-to-be here, not a replica
    run_python(
        env,
        "from django.contrib.auth.models import User\n"
        f"User.objects.create_superuser('before', password='{PASSWORD}')\n"
        f"User.objects.create_superuser('after', password='{PASSWORD}')\n",
    )
    site = Site(env, tmp_path / "gunicorn.log")
    try:
        before = log_in(site, "before")
        assert before.get("/staff/")[0] == 200
        pair.replica.wait_replayed(pair.primary)  # committed: streamed to the standby

        pair.primary.stop("immediate")
        status, body = site.get(f"{LIST}?q=w{uuid.uuid4().hex[:8]}")
        assert status == 503
        assert "数据库暂时没有应答" in body

        pair.replica.promote()
        promoted = time.monotonic()
        wait_for(
            lambda: site.get(f"{LIST}?q=w{uuid.uuid4().hex[:8]}")[0] == 200,
            timeout=60,
            what="the site to answer from the promoted standby",
        )
        recovered = time.monotonic() - promoted
        # The session written before the crash is there; a new one is written.
        assert before.get("/staff/")[0] == 200
        log_in(site, "after")
        assert pair.replica.sql("SELECT count(*) FROM django_session", "gongshi") == "2"
        print(f"recovered {recovered:.1f} s after the promotion")
        assert recovered < 60
    finally:
        site.stop()
