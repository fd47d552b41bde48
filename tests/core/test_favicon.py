"""The site's icon: on every page of ours and the admin's, and at /favicon.ico."""

import pytest
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse


def icon_link() -> str:
    # By its hashed name: the suite runs with production's manifest (tests/conftest.py).
    return f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">'


def test_favicon_ico_redirects_to_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert (response.status_code, response["Location"]) == (302, static("favicon.svg"))
    assert response["Cache-Control"] == "max-age=86400, public"
    assert finders.find("favicon.svg") is not None


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["admin:login", "admin:index", "admin:auth_user_changelist"])
def test_admin_pages_link_the_icon(client, url_name):
    client.force_login(User.objects.create_superuser("root-icon", password="x-long-password"))
    if url_name == "admin:login":
        client.logout()

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert response.content.decode().count(icon_link()) == 1
