"""A unit's reply in a real browser: the unit writes it on its portal with the code on its
letter, a liaison of the case's department finds it on the dashboard and publishes it with a
phone number taken out, and a resident reads it beside the entry, marked as the unit's own
words; the unit sees it published."""

import datetime

import pytest
from django.utils import timezone

from core import roles
from rectification import services
from tests.factories import CaseFactory, EnterpriseFactory, ListedEntryFactory, staff_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-test-password"
UNIT = "惠城区江北回应五金厂"
PHONE = "13812345678"


def test_reply_journey_from_the_portal_through_moderation_to_the_public_entry(
    page, browser, live_server
):
    today = timezone.localdate()
    case = CaseFactory(
        enterprise=EnterpriseFactory(name=UNIT),
        opened_on=today - datetime.timedelta(days=20),
        deadline=today + datetime.timedelta(days=10),
    )
    entry = ListedEntryFactory(case=case, unit_name=UNIT, published_on=case.opened_on)
    code, _pdf = services.case_issue_letter(case=case, actor=None)
    staff_user("liaison", roles.LIAISON, department="city_housing", password=PASSWORD)

    # The unit, with the code on its letter: its reply, awaiting moderation.
    unit = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    unit.goto("/unit/")
    unit.get_by_label("单位访问码").fill(code)
    unit.get_by_role("button", name="进入").click()
    unit.wait_for_url("**/unit/case/")
    unit.get_by_role("textbox", name="回应内容").fill(
        f"我单位已于本月拆除违规仓库，欢迎监督。联系电话 {PHONE}"
    )
    unit.get_by_role("button", name="提交回应").click()
    assert unit.get_by_role("status").inner_text() == (
        "已提交回应，工作人员审核后将在公示页面公开。"
    )
    my_reply = unit.locator(".timeline__item--reply")
    assert "待审核" in my_reply.inner_text()

    # The liaison: the dashboard's count, the queue, the reply published without the phone.
    page.goto("/staff/login/")
    page.get_by_label("用户名").fill("liaison")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    page.goto("/staff/")
    page.get_by_role("link", name="1 待审核回应").click()
    page.get_by_role("link", name=UNIT).click()
    page.get_by_role("radio", name="公开", exact=True).check()
    page.get_by_role("textbox", name="公开的文本").fill("我单位已于本月拆除违规仓库，欢迎监督。")
    page.get_by_role("button", name="保存审核决定").click()
    assert page.get_by_role("status").inner_text() == "回应已公开。"
    assert "没有待审核的回应。" in page.locator("main").inner_text()

    # A resident: the reply beside the entry, dated, as the unit's own words, no phone.
    resident = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    resident.goto(f"/entries/{entry.pk}/")
    section = resident.locator(".unit-replies")
    assert section.get_by_role("heading").inner_text() == "单位回应"
    text = section.inner_text()
    assert "我单位已于本月拆除违规仓库，欢迎监督。" in text
    assert f"单位回应，{UNIT}的原话 · {today.isoformat()}" in text
    assert PHONE not in resident.content()
    resident.context.close()

    # The unit sees its reply published.
    unit.reload()
    assert "已公开" in my_reply.inner_text()
    unit.context.close()
