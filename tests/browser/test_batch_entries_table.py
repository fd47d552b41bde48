"""The staff batch page's entries table at a desktop width: every column wide enough to read,
not one character per line (issue 11)."""

import datetime

import pytest

from publicity.models import Entry
from publicity.services import batch_create, entry_add
from tests.factories import FindingFactory, staff_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
ADDRESS = "惠州市惠城区江北街道鹅岭北路2052号综合楼三楼东侧"
# The lines a cell's own text takes (the cell itself is as tall as its row's tallest).
TEXT_LINES = """cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size;
}"""
# A cell's width in characters (em), padding included.
WIDTH_EM = (
    "cell => cell.getBoundingClientRect().width / parseFloat(getComputedStyle(cell).fontSize)"
)
TEXT = "安全出口上锁，消防通道堵塞，员工宿舍与生产车间设在同一建筑内（三合一），电线私拉乱接。" * 3


def test_batch_entries_table_columns_are_readable_at_1280_px(page):
    composer = staff_user("inspector1", "inspector", password=PASSWORD)
    batch = batch_create(composer=composer)
    findings = [
        FindingFactory(
            inspection__enterprise__name="惠城区旭日五金塑料制品加工有限公司", description=TEXT
        )
        for _ in range(2)
    ]
    entry_add(batch=batch, findings=findings, actor=composer)
    Entry.objects.filter(batch=batch).update(address=ADDRESS, responsible_person="陈建国")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/staff/login/")
    page.get_by_label("用户名").fill("inspector1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(f"/staff/batches/{batch.pk}/")

    cells = page.locator(".table--entries tbody tr").first.locator("th, td")
    widths = {
        name: cells.nth(index).evaluate(
            "cell => cell.getBoundingClientRect().width"
            " / parseFloat(getComputedStyle(cell).fontSize)"
        )
        for index, name in enumerate(
            ["position", "name", "address", "district", "text", "category", "disposition"]
        )
    }
    address_lines = cells.nth(2).evaluate(TEXT_LINES)
    header_lines = [
        header.evaluate(TEXT_LINES) for header in page.locator(".table--entries thead th").all()
    ]
    # Widths in characters (em) of the cell, padding included.
    assert widths["address"] >= 7, widths
    assert widths["name"] >= 7, widths
    assert widths["text"] >= 12, widths
    assert min(widths["district"], widths["category"], widths["disposition"]) >= 4, widths
    # The 24-character address on a few lines, not one character per line.
    assert address_lines <= 4, (address_lines, widths)
    # No heading broken character by character: "序号" on one line, the others on two at most.
    assert header_lines[0] == 1, header_lines
    assert max(header_lines) <= 2, header_lines


def test_batch_entries_table_unit_name_stays_readable_beside_a_moved_deadline(page):
    """A deadline moved off a holiday carries its reason ("原期限 2026-10-01 为国庆节假期，顺延至
    2026-10-08"): the reason wraps under the date, the unit's name keeps its width (it was
    squeezed into lines of two characters at 1280 px, issue 16)."""
    composer = staff_user("inspector1", "inspector", password=PASSWORD)
    batch = batch_create(composer=composer)
    finding = FindingFactory(
        inspection__enterprise__name="惠城区旭日五金塑料制品加工有限公司", description=TEXT
    )
    entry_add(batch=batch, findings=[finding], actor=composer)
    Entry.objects.filter(batch=batch).update(
        address=ADDRESS,
        responsible_person="陈建国",
        rectification_deadline=datetime.date(2026, 10, 8),
        rectification_deadline_moved_from=datetime.date(2026, 10, 1),
        rectification_deadline_holiday="国庆节",
    )

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/staff/login/")
    page.get_by_label("用户名").fill("inspector1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto(f"/staff/batches/{batch.pk}/")

    row = page.locator(".table--entries tbody tr").first
    assert row.locator(".deadline-moved").is_visible()
    name_em = row.locator("th").evaluate(WIDTH_EM)
    name_lines = row.locator("th").evaluate(TEXT_LINES)
    # "惠城区旭日五金塑料制品加工有限公司" (17 characters) on three lines at most, in a cell
    # at least 7 characters wide; the deadline's reason on lines of its own.
    assert name_em >= 7, name_em
    assert name_lines <= 3, (name_lines, name_em)
    assert row.locator("td").nth(6).evaluate(WIDTH_EM) <= 12
