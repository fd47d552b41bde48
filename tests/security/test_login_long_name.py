"""A login name longer than the throttle's column (255 characters) was a 500 on /staff/login/
and /admin/login/: it is refused like any wrong name, and the throttle still counts it."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

pytestmark = pytest.mark.django_db

LONG_NAME = "名" * 300


@pytest.mark.parametrize("login_url", [reverse("staff-login"), reverse("admin:login")])
def test_login_with_an_overlong_name_is_a_form_error_and_counts(client, login_url):
    response = client.post(login_url, {"username": LONG_NAME, "password": "whatever-1"})

    assert response.status_code == 200
    # The form's "wrong name or password", as for any name that has no account.
    assert list(response.context["form"].errors) == ["__all__"]
    attempt = AccessAttempt.objects.get()
    assert (attempt.failures_since_start, len(attempt.username)) == (1, 71)


@pytest.mark.parametrize("login_url", [reverse("staff-login"), reverse("admin:login")])
def test_login_with_an_overlong_name_is_locked_out_like_any(client, login_url, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(login_url, {"username": LONG_NAME, "password": f"wrong-{attempt}"})

    response = client.post(login_url, {"username": LONG_NAME, "password": "wrong-again"})

    assert response.status_code == 429
    # The refused attempt counts too.
    assert AccessAttempt.objects.get().failures_since_start == settings.AXES_FAILURE_LIMIT + 1
