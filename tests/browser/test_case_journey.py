"""A case's life in a real browser: the liaison records progress and prints the unit's letter,
the unit applies for re-inspection with the code on it, an inspector re-inspects and passes.

(The last step of issue 5's journey, the public entry page showing the case rectified, comes
with the public entry page, issue 6.)
"""

import datetime

import pytest
from django.utils import timezone

from core import roles
from rectification.enums import CaseStatus
from rectification.models import Case
from tests.factories import (
    CaseFactory,
    EnterpriseFactory,
    FindingFactory,
    ListedEntryFactory,
    staff_user,
)
from tests.rectification.test_letter import run

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "a-long-test-password"


def log_in(page, username):
    page.goto("/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    page.goto("/staff/cases/")


def test_case_journey_progress_unit_application_and_reinspection(
    page, browser, live_server, tmp_path
):
    today = timezone.localdate()
    case = CaseFactory(
        enterprise=EnterpriseFactory(name="惠城区江北安达五金厂"),
        opened_on=today - datetime.timedelta(days=20),
        deadline=today + datetime.timedelta(days=10),
    )
    case.findings.add(
        FindingFactory(inspection__enterprise=case.enterprise, description="安全出口上锁")
    )
    # The unit as the public sees it: its published entry, whose case this is.
    entry = ListedEntryFactory(
        case=case,
        finding=case.findings.get(),
        unit_name="惠城区江北安达五金厂",
        published_on=case.opened_on,
    )
    staff_user("liaison", roles.LIAISON, department="city_housing", password=PASSWORD)
    staff_user("inspector", roles.INSPECTOR, password=PASSWORD)

    # The liaison: the case in the department's queue; progress; the letter.
    log_in(page, "liaison")
    page.get_by_role("link", name="惠城区江北安达五金厂").click()
    page.get_by_role("textbox", name="整改进展").fill("已拆除安全出口的门锁")
    page.get_by_label("向公众公开这条进展").check()
    page.get_by_role("button", name="保存进展").click()
    assert page.get_by_role("status").inner_text() == "已记录整改进展。"
    assert "已拆除安全出口的门锁" in page.locator(".timeline").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="签发整改通知书（PDF）").click()
    letter = tmp_path / "letter.pdf"
    download_info.value.save_as(letter)
    text = run("pdftotext", str(letter), "-")
    code = next(line.strip() for line in text.splitlines() if line.count("-") == 5)

    # The unit, without an account: the code from its letter, then the application.
    unit = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    unit.goto("/unit/")
    unit.get_by_label("单位访问码").fill(code.lower())
    unit.get_by_role("button", name="进入").click()
    unit.wait_for_url("**/unit/case/")
    assert unit.locator("h1").inner_text() == "惠城区江北安达五金厂"
    unit.get_by_role("textbox", name="申请说明").fill("门锁已拆除，疏散通道畅通，申请复查")
    unit.get_by_role("button", name="申请复查").click()
    assert unit.get_by_role("status").inner_text() == "已提交复查申请，执法人员将安排复查。"
    unit.context.close()

    # The inspector: the application in the queue, the re-inspection passes.
    inspector = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    log_in(inspector, "inspector")
    row = inspector.locator("tbody tr")
    assert row.count() == 1
    assert "已申请复查" in row.inner_text()
    inspector.get_by_role("link", name="惠城区江北安达五金厂").click()
    inspector.get_by_role("radio", name="合格", exact=True).check()
    inspector.get_by_role("textbox", name="复查情况").fill("现场复查，隐患已消除")
    inspector.get_by_role("button", name="保存复查结果").click()
    assert inspector.get_by_role("status").inner_text() == "已记录复查结果。"
    facts = inspector.locator(".facts").inner_text()
    assert "已整改" in facts
    inspector.context.close()

    case.refresh_from_db()
    assert case.status == CaseStatus.RECTIFIED
    assert list(
        Case.objects.get(pk=case.pk)
        .events.filter(is_public=True)
        .values_list("kind", flat=True)
        .order_by("id")
    ) == ["progress", "reinspection_requested", "reinspection_passed"]

    # A resident: the entry shows the unit rectified, with the public timeline only.
    resident = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    resident.goto(f"/entries/{entry.pk}/")
    assert resident.locator("main .badge").first.inner_text() == "已整改"
    timeline = resident.locator(".timeline").inner_text()
    assert "已拆除安全出口的门锁" in timeline
    assert "现场复查，隐患已消除" in timeline
    resident.context.close()
