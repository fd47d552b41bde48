"""A resident on the public site, in a real browser: search, filter, read an entry, download
its notice, report a unit and follow the report by its tracking code."""

import hashlib

import pytest
from django.core.files.base import ContentFile

from registry.models import Jurisdiction
from tests.factories import EnterpriseFactory, ListedEntryFactory, PublishedBatchFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTICE = b"%PDF-1.4 the printed notice of batch 3"


def test_public_journey_search_filter_entry_notice_report_status(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    batch = PublishedBatchFactory(
        number=3,
        notice_pdf=ContentFile(NOTICE, name="notice.pdf"),
        notice_sha256=hashlib.sha256(NOTICE).hexdigest(),
    )
    boluo = Jurisdiction.objects.get(code="441322")
    ListedEntryFactory(
        batch=batch, finding__inspection__enterprise=EnterpriseFactory(name="惠城区永通五金厂")
    )
    ListedEntryFactory(
        batch=batch,
        district=boluo,
        finding__inspection__enterprise=EnterpriseFactory(name="博罗县永通鞭炮店"),
    )
    ListedEntryFactory(batch=batch, finding__inspection__enterprise=EnterpriseFactory(name="别家"))

    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="曝光名单").click()
    page.get_by_label("单位名称或统一社会信用代码").fill("永通")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/entries/?*")
    assert page.locator(".entry-card__title").all_inner_texts() == [
        "博罗县永通鞭炮店",
        "惠城区永通五金厂",
    ]

    page.get_by_label("县区").select_option(label="博罗县")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**district=*")
    assert page.locator(".entry-card__title").all_inner_texts() == ["博罗县永通鞭炮店"]
    assert "q=%E6%B0%B8%E9%80%9A" in page.url  # the filtered view is a shareable URL

    page.get_by_role("link", name="博罗县永通鞭炮店").click()
    assert page.locator("h1").inner_text() == "博罗县永通鞭炮店"
    assert page.locator(".badge").first.inner_text() == "逾期未整改"

    page.get_by_role("main").get_by_role("link", name="2009年第3批").first.click()
    assert hashlib.sha256(NOTICE).hexdigest() in page.locator(".hash").inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载公告 PDF").click()
    path = download_info.value.path()
    with open(path, "rb") as handle:
        assert handle.read() == NOTICE

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="举报咨询").click()
    page.get_by_label("举报投诉").check()
    page.get_by_label("主题").fill("举报永通鞭炮店仍在生产")
    page.get_by_label("内容").fill("晚上仍有工人进出，仓库堆放鞭炮。")
    page.get_by_label("被举报单位（如有）").fill("博罗县永通鞭炮店")
    page.get_by_label("所在县区（如知道）").select_option(label="博罗县")
    # Anonymous is ticked by default; the name and contact fields are hidden meanwhile.
    assert page.get_by_label("姓名", exact=True).is_hidden()
    page.get_by_role("button", name="提交").click()
    code = page.locator("#tracking-code").inner_text().strip()
    assert len(code) == 19

    page.get_by_role("link", name="查看处理情况").click()
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查询").click()
    assert page.locator("#result-title").inner_text() == "举报永通鞭炮店仍在生产"
    assert page.locator(".submission-status").inner_text() == "已受理"


def test_public_search_finds_a_renamed_unit_by_its_printed_name(page):
    from registry.models import Enterprise

    entry = ListedEntryFactory(
        finding__inspection__enterprise=EnterpriseFactory(name="惠阳区永通五金厂")
    )
    ListedEntryFactory(finding__inspection__enterprise=EnterpriseFactory(name="博罗县兴旺鞭炮店"))
    # The unit changed its name after it was exposed; residents know the printed one.
    Enterprise.objects.filter(pk=entry.enterprise_id).update(name="惠州市宏图金属制品有限公司")

    page.goto("/entries/")
    page.get_by_label("单位名称或统一社会信用代码").fill("永通五金")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/entries/?*")

    assert page.locator(".entry-card__title").all_inner_texts() == ["惠阳区永通五金厂"]
    assert page.locator("#results-title").inner_text() == "共 1 条"
