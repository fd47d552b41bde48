"""The error pages as a visitor gets them with DEBUG off (the suite runs with production's
settings, tests/conftest.py): in the site's layout and stylesheet, in the language the visitor
chose with the language switch (zh-hans by default), never Django's bare English "Not Found".
The 503 page (the database did not answer) shows without the database."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from core import roles
from core.views import server_error
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

# Each page's heading and (html lang, text) in both languages.
PAGES = {
    404: ("页面不存在", "Page not found"),
    403: ("无权访问", "Access denied"),
    500: ("系统出错", "Server error"),
    503: ("系统暂时无法使用", "The system is briefly unavailable"),
    400: ("请求无效", "Bad request"),
    "csrf": ("表单已失效", "Form expired"),
}
LANGUAGES = [("zh-hans", 0), ("en", 1)]


def _visitor(language: str, **client_options) -> Client:
    """A browser that chose its language with the header's language switch."""
    client = Client(**client_options)
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    return client


def _assert_site_page(response, status: int, language: str, heading: str) -> None:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f'<html lang="{language}"' in html
    assert f"<h1>{heading}</h1>" in html
    # The base layout: the site's stylesheet by its hashed name, the header and the footer.
    stylesheet = staticfiles_storage.url("css/site.css")
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", stylesheet)
    assert f'<link rel="stylesheet" href="{stylesheet}">' in html
    assert 'class="site-header"' in html
    assert settings.REPORTING_HOTLINE in html
    authority = settings.AUTHORITY_NAME_EN if language == "en" else settings.AUTHORITY_NAME
    assert authority in html


def test_the_error_pages_are_served_with_debug_off():
    assert settings.DEBUG is False


@pytest.mark.parametrize(("language", "index"), LANGUAGES)
def test_a_missing_page_is_the_sites_404(language, index):
    client = _visitor(language)

    response = client.get("/no-such-page/")

    _assert_site_page(response, 404, language, PAGES[404][index])
    assert "Not Found" not in response.content.decode()


@pytest.mark.parametrize(("language", "index"), LANGUAGES)
def test_a_missing_record_is_the_sites_404(language, index):
    client = _visitor(language)

    response = client.get(reverse("public:entry-detail", kwargs={"pk": 999_999}))

    _assert_site_page(response, 404, language, PAGES[404][index])


@pytest.mark.parametrize(("language", "index"), LANGUAGES)
def test_a_page_refused_to_someone_in_no_role_is_the_sites_403(language, index):
    client = _visitor(language)
    client.force_login(User.objects.create_user("nobody"))

    response = client.get(reverse("staff-dashboard"))

    _assert_site_page(response, 403, language, PAGES[403][index])
    # Rendered with the request: the person is shown as signed in.
    assert "nobody" in response.content.decode()


@pytest.mark.parametrize(("language", "index"), LANGUAGES)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_the_503_page_shows_when_the_database_is_down(language, index, signed_in):
    client = _visitor(language, raise_request_exception=False)
    if signed_in:
        client.force_login(staff_user("inspector", roles.INSPECTOR))
    refused = []

    def database_down(execute, sql, params, many, context):
        refused.append(sql)
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    # Every query of this connection (the request's, in this thread) fails, as with the
    # database server gone: the home page's, the session's, the user's.
    with connection.execute_wrapper(database_down):
        response = client.get(reverse("home"))

    # Not "an error": the database did not answer (a failover, a restart). Come back soon;
    # nothing was half-saved.
    _assert_site_page(response, 503, language, PAGES[503][index])
    assert response["Retry-After"] == "30"
    assert refused  # the page itself failed on the database, and the 503 page did not need it
    # Without the database nobody is known to be signed in: the header offers the login.
    assert reverse("staff-login") in response.content.decode()


@pytest.mark.parametrize(("language", "index"), LANGUAGES)
def test_a_request_for_another_host_is_the_sites_400(language, index):
    client = _visitor(language)

    response = client.get("/", HTTP_HOST="attacker.example")

    _assert_site_page(response, 400, language, PAGES[400][index])


@pytest.mark.parametrize(("language", "index"), LANGUAGES)
def test_a_form_sent_without_its_csrf_token_is_the_sites_403(language, index):
    client = _visitor(language, enforce_csrf_checks=True)

    response = client.post(reverse("staff-login"), {"username": "a", "password": "b"})

    _assert_site_page(response, 403, language, PAGES["csrf"][index])


def test_any_other_error_is_the_500_page(rf):
    request = rf.get("/")
    try:
        raise RuntimeError("a bug")  # what Django hands handler500 while it is being handled
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert "<h1>系统出错</h1>" in response.content.decode()
    assert "Retry-After" not in response
