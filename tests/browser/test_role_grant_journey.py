"""Separation of duties as administrators and officials see it, in a real browser: one
administrator makes an account and ticks the officials' role in the admin — a request, not a
grant; a second administrator confirms it; an official finds the new approver in the inbox."""

import pytest
from django.contrib.auth.models import User

from core import roles
from core.models import RoleGrant
from tests.factories import staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _admin_login(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    return page


def test_role_grant_journey_request_confirm_and_tell(browser, live_server):
    staff_user("it1", roles.ADMINISTRATOR, password=PASSWORD)
    staff_user("it2", roles.ADMINISTRATOR, password=PASSWORD)
    staff_user("boss", roles.OFFICIAL, password=PASSWORD)

    first = _admin_login(browser, live_server, "it1")
    first.goto("/admin/auth/user/add/")
    first.locator("#id_username").fill("newcomer")
    first.locator("#id_password1").fill("a-first-password-for-newcomer")
    first.locator("#id_password2").fill("a-first-password-for-newcomer")
    first.locator("input[name=_continue]").click()
    first.wait_for_url("**/change/")
    first.locator("#id_groups_from").select_option(label="official")
    first.locator("#id_groups_add").click()
    first.locator("input[name=_save]").click()
    first.wait_for_url("**/admin/auth/user/")

    messages = first.locator("ul.messagelist").inner_text()
    assert "已提交为 newcomer 授予“审批领导”角色的申请" in messages
    newcomer = User.objects.get(username="newcomer")
    assert list(newcomer.groups.values_list("name", flat=True)) == []

    second = _admin_login(browser, live_server, "it2")
    second.get_by_role("link", name="角色授予").click()
    second.locator("input[name=_selected_action]").check()
    second.locator("select[name=action]").select_option(label="确认所选申请")
    second.locator("button[name=index]").click()

    assert (
        "已确认：newcomer 获得“审批领导”角色，已通知相关人员。"
        in second.locator("ul.messagelist").inner_text()
    )
    grant = RoleGrant.objects.get()
    assert (grant.requested_by.username, grant.decided_by.username) == ("it1", "it2")
    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.OFFICIAL]

    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    official = context.new_page()
    official.set_default_timeout(15_000)
    official.goto("/staff/login/")
    official.get_by_label("用户名").fill("boss")
    official.get_by_label("密码").fill(PASSWORD)
    official.get_by_role("button", name="登录").click()
    official.wait_for_url("**/staff/")
    official.get_by_role("navigation", name="工作人员导航").get_by_role(
        "link", name="收件箱"
    ).click()

    inbox = official.locator("main").inner_text()
    assert "新的角色持有人：newcomer（审批领导）" in inbox
    assert "newcomer 已获得“审批领导”角色：由 it1 申请，it2 于" in inbox
