"""The public site's frame: home page, language switch, staff login and logout."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from publicity.enums import EntryStatus
from rectification.enums import CaseStatus
from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def figures(html: str) -> dict[str, str]:
    """The home page's figures as {label: number}, in page order."""
    block = re.search(r'<dl class="figures">(.*?)</dl>', html, re.S)
    assert block is not None
    return dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", block.group(1)))


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match is not None
    return match.group(1).strip()


def test_home_renders_in_chinese_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in html
    assert h1(html) == "安全生产公示曝光"
    assert "<title>安全生产公示曝光 · 公示曝光</title>" in html
    assert '<a href="tel:12350">12350</a>' in html


def test_home_shows_counts_of_the_rows(client, exposure):
    response = client.get("/")

    assert figures(response.content.decode()) == {
        "已公示批次": "1",
        "已曝光单位": "3",
        "正在公示": "2",
        "已整改到位或核实关停": "1",
        "正在跟踪整改": "2",
        "逾期未整改": "1",
    }


def test_home_counts_render_without_separators_in_chinese_and_with_them_in_english(client):
    from publicity.models import ExposedUnitTally

    # The tally the figure is read from, as if 1,234,567 units had been exposed.
    ExposedUnitTally.objects.create(units=1234567)

    chinese = figures(client.get("/").content.decode())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = figures(client.get("/").content.decode())

    assert chinese["已曝光单位"] == "1234567"
    assert english["Units exposed"] == "1,234,567"


@pytest.mark.parametrize("listed", [1, 3])
def test_home_queries_are_constant_and_cached(client, exposure, listed, django_assert_num_queries):
    for _ in range(listed):
        exposure.entry(exposure.published, EntryStatus.LISTED, exposure.case(CaseStatus.OPEN, 30))

    # An empty cache: the headline figures' four (batches; the tallies of exposed units,
    # entries and cases) and the exposure map's three (the tallies of entries and cases, the
    # districts), each over a few rows whatever the number of entries.
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(8):
        first = client.get("/")
    with django_assert_num_queries(0):
        second = client.get("/")

    assert figures(first.content.decode())["正在公示"] == str(2 + listed)
    assert figures(second.content.decode()) == figures(first.content.decode())


def test_language_switch_to_english(client):
    home = client.get("/").content.decode()
    assert '<input type="hidden" name="next" value="/">' in home
    assert '<button type="submit" name="language" value="en" lang="en">English</button>' in home

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert h1(html) == "Work safety public exposure"
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert (
        '<button type="submit" name="language" value="zh-hans" lang="zh-hans">简体中文</button>'
        in html
    )


def test_login_page_renders(client):
    response = client.get(reverse("staff-login"))

    assert response.status_code == 200
    html = response.content.decode()
    assert h1(html) == "工作人员登录"
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert '<a href="/staff/login/" aria-current="page">工作人员登录</a>' in html


def test_login_without_staff_rights_redirects_home(client):
    get_user_model().objects.create_user("inspector1", password="correct-horse-battery")

    response = client.post(
        reverse("staff-login"), {"username": "inspector1", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/").content.decode()
    assert '<li class="site-nav__user">已登录：inspector1</li>' in home
    assert '<form class="inline-form" method="post" action="/staff/logout/">' in home
    # Not staff: no admin link.
    assert reverse("admin:index") not in home


def test_login_of_staff_lands_on_the_dashboard(client):
    staff_user("inspector1", "inspector", password="correct-horse-battery")

    response = client.post(
        reverse("staff-login"), {"username": "inspector1", "password": "correct-horse-battery"}
    )

    assert (response.status_code, response["Location"]) == (302, "/staff/")
    assert client.get(response["Location"]).status_code == 200


def test_login_of_staff_follows_a_safe_next(client):
    staff_user("inspector1", "inspector", password="correct-horse-battery")

    response = client.post(
        reverse("staff-login"),
        {
            "username": "inspector1",
            "password": "correct-horse-battery",
            "next": "/staff/batches/",
        },
    )

    assert (response.status_code, response["Location"]) == (302, "/staff/batches/")


def test_login_of_staff_ignores_a_next_to_another_site(client):
    staff_user("inspector1", "inspector", password="correct-horse-battery")

    response = client.post(
        reverse("staff-login"),
        {
            "username": "inspector1",
            "password": "correct-horse-battery",
            "next": "https://evil.example/staff/",
        },
    )

    assert (response.status_code, response["Location"]) == (302, "/staff/")


def test_login_with_wrong_password_shows_error(client):
    get_user_model().objects.create_user("inspector1", password="correct-horse-battery")

    response = client.post(
        reverse("staff-login"), {"username": "inspector1", "password": "wrong-password"}
    )

    assert response.status_code == 200
    message = "请输入一个正确的用户名和密码。注意，两者都区分大小写。"
    assert response.context["form"].non_field_errors() == [message]
    assert f'<div class="alert alert--error" role="alert">\n        <p>{message}</p>' in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session


def test_logout_post_logs_out_and_redirects_home(client):
    user = get_user_model().objects.create_user("official1", is_staff=True)
    client.force_login(user)
    assert reverse("admin:index") in client.get("/").content.decode()

    response = client.post(reverse("staff-logout"))

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
