"""A visitor and a staff member on the home page, in a real browser."""

import pytest
from django.contrib.auth.models import User

from tests.factories import ListedEntryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_journey_visitor_switches_language_and_staff_logs_in(page):
    ListedEntryFactory()
    User.objects.create_user("inspector1", password="a-long-test-password", is_staff=True)

    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "安全生产公示曝光"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Work safety public exposure"

    page.get_by_role("link", name="Staff login").click()
    page.get_by_label("Username").fill("inspector1")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Username").input_value() == "inspector1"

    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    assert "inspector1" in page.locator("header").inner_text()
