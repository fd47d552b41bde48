"""An inspector's day in the back office, in a real browser: register a unit (after a wrong
check character), record an inspection with two findings and a photo, propose one for
publicity, and find the unit again by a two-character search."""

import io

import pytest
from PIL import Image

from core import roles
from registry.models import Enterprise, Evidence, Finding
from tests.factories import staff_user, valid_credit_code
from tests.registry.conftest import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
NAME = "惠城区宏达五金制品厂"
CODE = valid_credit_code(5151)
WRONG_CODE = CODE[:17] + ("0" if CODE[17] != "0" else "1")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_back_office_journey_inspector_registers_inspects_and_finds(page, media_root):
    staff_user("inspector", roles.INSPECTOR, password=PASSWORD)

    page.goto("/staff/login/")
    page.get_by_label("用户名").fill("inspector")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/staff/")  # staff land on their dashboard

    # The staff navigation's link (the dashboard links the list too).
    page.get_by_role("navigation", name="工作人员导航").get_by_role(
        "link", name="生产经营单位"
    ).click()
    page.get_by_role("link", name="登记单位").click()
    page.get_by_label("单位名称").fill(NAME)
    page.get_by_label("统一社会信用代码").fill(WRONG_CODE)
    page.get_by_label("法定代表人").fill("陈宏达")
    page.get_by_label("地址").fill("惠州市惠城区江北街道宏达路3号")
    page.get_by_label("所在区划").select_option(label="惠城区 · 江北街道")
    page.get_by_label("行业").select_option(label="劳动密集型加工制造")
    page.get_by_label("证照状态").select_option(label="证照不全")
    page.get_by_role("button", name="保存").click()

    summary = page.get_by_role("alert")
    assert summary.is_visible()
    assert f"第18位应为“{CODE[17]}”" in summary.inner_text()
    assert page.get_by_label("单位名称").input_value() == NAME
    assert page.get_by_label("统一社会信用代码").input_value() == WRONG_CODE
    assert page.get_by_label("法定代表人").input_value() == "陈宏达"
    assert page.get_by_label("地址").input_value() == "惠州市惠城区江北街道宏达路3号"
    assert page.get_by_label("证照状态").input_value() == "incomplete"
    assert Enterprise.objects.count() == 0

    page.get_by_label("统一社会信用代码").fill(CODE)
    page.get_by_role("button", name="保存").click()
    assert page.locator("h1").inner_text() == NAME

    page.get_by_role("link", name="登记检查").click()
    page.get_by_label("检查日期").fill("2024-03-02")
    first, second = page.locator("fieldset.finding").nth(0), page.locator("fieldset.finding").nth(1)
    first.get_by_label("曝光种类").select_option(label="存在重大事故隐患")
    first.get_by_label("违法违规行为及事故隐患").fill("消防通道堵塞，安全出口上锁")
    first.get_by_label("拟处理措施").select_option(label="责令停产停业整顿")
    first.get_by_label("重大事故隐患").check()
    first.get_by_label("建议公示曝光").check()
    first.get_by_label("筛选法律依据").fill("安全生产法")
    first.get_by_label("第十七条").check()
    first.get_by_label("证据材料（照片或 PDF）").set_input_files(
        {"name": "gate.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes(with_gps=True)}
    )
    second.get_by_label("曝光种类").select_option(label="不具备安全生产条件")
    second.get_by_label("违法违规行为及事故隐患").fill("未设安全警示标志")
    second.get_by_label("拟处理措施").select_option(label="限期整改")
    page.get_by_role("button", name="保存检查").click()

    page.wait_for_url("**/staff/inspections/*/")
    assert page.locator(".finding-card").count() == 2
    assert page.locator(".finding-card img").count() == 1
    findings = Finding.objects.order_by("id")
    assert [(f.description, f.proposed_for_publicity) for f in findings] == [
        ("消防通道堵塞，安全出口上锁", True),
        ("未设安全警示标志", False),
    ]
    evidence = Evidence.objects.get()
    with evidence.file.open("rb") as stored:
        photo = Image.open(io.BytesIO(stored.read()))
        assert photo.format == "JPEG"
        assert dict(photo.getexif()) == {}
        assert "exif" not in photo.info

    page.get_by_role("link", name="生产经营单位").click()
    page.get_by_label("名称或统一社会信用代码").fill("宏达")
    page.get_by_role("button", name="查找").click()
    results = page.locator(".record__title a")
    assert results.all_inner_texts() == [NAME]
    results.first.click()
    assert page.locator("h1").inner_text() == NAME
