"""Optional TOTP second factor for staff (django-otp): enrol, then every login asks for the
code; with OTP_REQUIRED, officials and administrators must enrol first."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from tests.factories import staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


def _user(role=roles.OFFICIAL):
    user = staff_user("official", role)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    # A wrong code delays the next try by a second (the device's throttle); the tests try the
    # right code at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(device):
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def _login(client):
    return client.post(reverse("staff-login"), {"username": "official", "password": PASSWORD})


def test_enrol_shows_the_secret_and_confirms_with_a_code(client):
    user = _user()
    client.force_login(user)

    page = client.get(reverse("staff-otp-enrol"))
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post(reverse("staff-otp-enrol"), {"token": "000000"})
    right = client.post(reverse("staff-otp-enrol"), {"token": _code(device)})

    assert page.status_code == 200
    assert page.context["secret"] in page.content.decode()
    assert wrong.status_code == 200
    assert (right.status_code, right["Location"]) == (302, reverse("staff-dashboard"))
    assert TOTPDevice.objects.get(user=user).confirmed is True


def test_login_with_a_device_asks_for_the_code_before_the_staff_area(client):
    user = _user()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    _login(client)
    blocked = client.get(reverse("staff-dashboard"))
    wrong = client.post(reverse("staff-otp-verify"), {"token": "123456", "next": "/staff/"})
    still_blocked = client.get(reverse("staff-dashboard"))
    right = client.post(reverse("staff-otp-verify"), {"token": _code(device), "next": "/staff/"})
    dashboard = client.get(reverse("staff-dashboard"))

    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("staff-otp-verify"))
    assert wrong.status_code == 200
    assert still_blocked.status_code == 302
    assert (right.status_code, right["Location"]) == (302, "/staff/")
    assert dashboard.status_code == 200


def test_admin_login_with_a_device_asks_for_the_code(client):
    user = _user(roles.ADMINISTRATOR)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    client.post(reverse("admin:login"), {"username": "official", "password": PASSWORD})
    index = client.get(reverse("admin:index"))

    assert index.status_code == 302
    assert index["Location"].startswith(reverse("staff-otp-verify"))


def test_without_a_device_the_password_is_enough_by_default(client):
    _user()

    _login(client)

    assert client.get(reverse("staff-dashboard")).status_code == 200


def test_required_second_factor_sends_an_official_to_enrol(client, settings):
    settings.OTP_REQUIRED = True
    _user()
    inspector = staff_user("inspector", roles.INSPECTOR)

    _login(client)
    official_page = client.get(reverse("staff-dashboard"))
    client.force_login(inspector)
    inspector_page = client.get(reverse("staff-dashboard"))

    assert (official_page.status_code, official_page["Location"]) == (
        302,
        reverse("staff-otp-enrol"),
    )
    assert inspector_page.status_code == 200
