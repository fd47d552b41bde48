"""The inspection form in a real browser: the legal-provision filter narrows the list as the
inspector types (a component rule once overrode ``[hidden]``, so it hid nothing)."""

import pytest
from django.urls import reverse

from core import roles
from registry.models import LegalProvision
from tests.factories import EnterpriseFactory, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def test_provision_filter_narrows_the_visible_list(page):
    staff_user("inspector", roles.INSPECTOR, password=PASSWORD)
    enterprise = EnterpriseFactory()
    page.goto(reverse("staff-login"))
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(reverse("registry:inspection-create", args=[enterprise.pk]))

    finding = page.locator("fieldset.finding").first
    provisions = finding.get_by_role("group", name="违反的法律依据").get_by_role("checkbox")
    total = LegalProvision.objects.count()
    fire_act = LegalProvision.objects.filter(act__contains="消防法").count()
    assert provisions.count() == total
    assert fire_act < total

    def visible() -> list[str]:
        return [
            name
            for i in range(provisions.count())
            if provisions.nth(i).is_visible()
            and (name := provisions.nth(i).evaluate("e => e.labels[0].textContent.trim()"))
        ]

    assert len(visible()) == total

    finding.get_by_label("筛选法律依据").fill("消防法")
    assert len(visible()) == fire_act
    assert all("消防法" in name for name in visible())

    # A ticked provision stays in sight whatever the filter says.
    finding.get_by_label("筛选法律依据").fill("")
    finding.get_by_label("第十七条").check()
    finding.get_by_label("筛选法律依据").fill("消防法")
    assert len(visible()) == fire_act + 1

    finding.get_by_label("筛选法律依据").fill("")
    assert len(visible()) == total


def test_the_printed_text_shows_its_length_as_the_inspector_writes(page):
    staff_user("inspector", roles.INSPECTOR, password=PASSWORD)
    enterprise = EnterpriseFactory()
    page.goto(reverse("staff-login"))
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(reverse("registry:inspection-create", args=[enterprise.pk]))

    description = page.locator("textarea[name='findings-0-description']")
    counter = page.locator("[data-char-count-for='findings-0-description']")
    assert counter.text_content() == "已写 0 字，最多 500 字"
    description.fill("消防通道堵塞，安全出口锁闭")
    assert counter.text_content() == "已写 13 字，最多 500 字"
    # The browser stops at the limit, and the counter says so.
    description.fill("隐" * 520)
    assert counter.text_content() == "已写 500 字，最多 500 字"


def test_a_deadline_moved_off_national_day_is_shown_with_its_reason(page):
    """依法取缔 recorded on 2026-09-16: 15 days end on 10-01, National Day; the deadline is
    10-08, the first working day after the holiday, and the pages say so."""
    staff_user("inspector", roles.INSPECTOR, password=PASSWORD)
    enterprise = EnterpriseFactory(name="惠城区顺延五金厂")
    page.goto(reverse("staff-login"))
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(reverse("registry:inspection-create", args=[enterprise.pk]))

    page.get_by_label("检查日期").fill("2026-09-16")
    finding = page.locator("fieldset.finding").first
    finding.get_by_label("曝光种类").select_option(index=1)
    finding.get_by_label("拟处理措施").select_option(label="依法取缔")
    finding.get_by_label("违法违规行为及事故隐患").fill("无证经营，责令取缔")
    page.get_by_role("button", name="保存").click()

    reason = "原期限 2026-10-01 为国庆节假期，顺延至 2026-10-08"
    page.get_by_role("heading", level=1).wait_for()
    assert page.locator(".messages").get_by_text(reason).is_visible()
    deadline = page.locator("dd", has=page.locator("time[datetime='2026-10-08']"))
    assert deadline.locator(".deadline-moved").inner_text().startswith(reason)
    assert deadline.locator(".deadline-moved").is_visible()
