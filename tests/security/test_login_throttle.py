"""Login throttling on the staff and admin logins (issue 10: 40 wrong passwords, then the right
one logged in). Failures are counted in the database, so Redis being down changes nothing."""

import pytest
from django.urls import reverse

from core import roles
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


def _official():
    user = staff_user("official", roles.OFFICIAL)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.parametrize("login_url", [reverse("staff-login"), reverse("admin:login")])
def test_login_refuses_the_right_password_after_many_wrong_ones(client, login_url):
    _official()
    for attempt in range(40):
        client.post(login_url, {"username": "official", "password": f"wrong-{attempt}"})

    response = client.post(login_url, {"username": "official", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "登录已暂停 15 分钟" in response.content.decode()


def test_login_allows_the_right_password_after_a_few_wrong_ones(client):
    _official()
    for attempt in range(4):
        client.post(reverse("staff-login"), {"username": "official", "password": f"x{attempt}"})

    response = client.post(reverse("staff-login"), {"username": "official", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(_user_pk())


def test_lockout_is_per_username_and_address(client):
    _official()
    other = staff_user("inspector", roles.INSPECTOR)
    other.set_password(PASSWORD)
    other.save()
    for attempt in range(6):
        client.post(reverse("staff-login"), {"username": "official", "password": f"x{attempt}"})

    response = client.post(reverse("staff-login"), {"username": "inspector", "password": PASSWORD})

    assert response.status_code == 302


def _user_pk():
    from django.contrib.auth.models import User

    return User.objects.get(username="official").pk
