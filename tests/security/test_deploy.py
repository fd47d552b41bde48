"""Production settings: `check --deploy` silent with the documented environment, private pages
never cached, oversized bodies refused before they are read (issue 10: W004, W008, W012,
W016; no Cache-Control on staff pages; no request body cap)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core import roles
from tests.factories import staff_user

ROOT = Path(__file__).resolve().parents[2]


def _production_env() -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for line in (ROOT / "docs" / "production.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def test_check_deploy_is_silent_with_the_documented_production_environment():
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )
    assert "W0" not in result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/staff/", "/staff/login/", "/unit/", "/admin/", "/admin/login/"],
)
def test_private_pages_are_never_stored(client, url):
    client.force_login(staff_user("official", roles.OFFICIAL))

    response = client.get(url)

    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.django_db
def test_public_pages_keep_their_own_caching(client):
    response = client.get("/")

    assert "no-store" not in response.get("Cache-Control", "")


def test_request_larger_than_the_cap_is_refused_before_it_is_read(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    # The declared length is what counts: the body is never read.
    response = client.generic(
        "POST", "/reports/new/", data=b"x" * 10, content_type="text/plain", CONTENT_LENGTH="1001"
    )

    assert response.status_code == 413


@pytest.mark.django_db
def test_request_within_the_cap_goes_through(client, settings):
    settings.MAX_REQUEST_BYTES = 1000

    response = client.post(reverse("staff-login"), {"username": "x", "password": "y"})

    assert response.status_code == 200


def test_client_address_comes_from_the_trusted_proxy_header_only(rf, settings):
    from core.middleware import ProxyClientAddressMiddleware

    settings.REAL_IP_HEADER = "HTTP_X_REAL_IP"
    seen = []
    middleware = ProxyClientAddressMiddleware(lambda request: seen.append(request) or None)
    for remote, header in [
        ("127.0.0.1", "203.0.113.7"),
        ("198.51.100.2", "203.0.113.7"),
        ("127.0.0.1", "not an address"),
    ]:
        middleware(rf.get("/", REMOTE_ADDR=remote, HTTP_X_REAL_IP=header))

    assert [r.META["REMOTE_ADDR"] for r in seen] == ["203.0.113.7", "198.51.100.2", "127.0.0.1"]
