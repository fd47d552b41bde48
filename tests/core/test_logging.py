"""What the site logs for a refused request and for a crash."""

import io
import logging

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import path

from config import urls as site_urls


def crash(request):
    raise RuntimeError("boom")


# This module is also the URLconf of the crash test (pytest.mark.urls): the site's, with
# its 500 page, and a page that crashes.
urlpatterns = [path("crash/", crash), *site_urls.urlpatterns]
handler500 = site_urls.handler500


@pytest.fixture
def console():
    """Everything the site's own log handlers print (Django's and the root's), in one
    buffer; pytest's capture handlers left alone."""
    buffer = io.StringIO()
    swapped = []
    for name in ("django.request", "django", ""):
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler) and not type(
                handler
            ).__module__.startswith("_pytest"):
                swapped.append((handler, handler.setStream(buffer)))
    yield buffer
    for handler, stream in swapped:
        handler.setStream(stream)


@pytest.mark.django_db
def test_expected_403_logs_one_line_without_traceback(client, caplog, console, settings):
    settings.DEBUG = True  # as under `make run`, where Django's console handler also prints
    client.force_login(User.objects.create_user("not-staff"))
    console.truncate(0)  # the login's own lines (django-axes)
    console.seek(0)

    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/staff/")

    assert response.status_code == 403
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage(), r.exc_info) for r in refusals] == [
        ("WARNING", "Forbidden (Permission denied): /staff/", None)
    ]
    assert console.getvalue() == "Forbidden (Permission denied): /staff/\n"


@pytest.mark.urls(__name__)
def test_server_error_keeps_its_traceback(caplog, console):
    client = Client(raise_request_exception=False)

    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/crash/")

    assert response.status_code == 500
    errors = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in errors] == [
        ("ERROR", "Internal Server Error: /crash/")
    ]
    assert errors[0].exc_info is not None
    printed = console.getvalue()
    # The line's prefix depends on the format the root handler has in this process (a Celery
    # worker started earlier in the suite installs its own); the message and one traceback
    # follow it.
    assert "Internal Server Error: /crash/\nTraceback (most recent call last):" in printed
    assert printed.count("Traceback") == 1
    assert printed.endswith("RuntimeError: boom\n")
