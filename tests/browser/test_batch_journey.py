"""The publication journey in a real browser: compose, submit, approve, object, finalise,
publish, download the notice."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from publicity.models import Batch
from tests.factories import FindingFactory, staff_user
from tests.support import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/staff/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_batch_journey_from_draft_to_published_notice(page, celery_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff_user("inspector1", "inspector", password=PASSWORD)
    staff_user("official1", "official", password=PASSWORD)
    finding = FindingFactory(inspection__enterprise__name="惠城区旭日五金加工厂")

    # The inspector composes a batch and submits it.
    log_in(page, "inspector1")
    page.goto("/staff/batches/")
    page.get_by_role("button", name="新建批次").click()
    page.get_by_label(finding.inspection.enterprise.name, exact=False).check()
    page.get_by_role("button", name="加入批次").click()
    assert page.get_by_text("未填写责任人").is_visible()
    page.get_by_role("link", name="编辑 惠城区旭日五金加工厂").click()
    page.locator("input[name=responsible_person]").fill("陈建国")
    page.get_by_label("责任人电话").fill("0752-2345678")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("button", name="提交审批").click()
    assert page.locator(".page-head .badge").first.inner_text() == "已提交"
    batch = Batch.objects.get()

    # A second person, an official, approves it from the approval queue.
    log_in(page, "official1")
    page.goto("/staff/batches/approvals/")
    page.get_by_role("link", name=batch.label).click()
    assert page.get_by_role("link", name="预览公告（草稿水印PDF）").is_visible()
    page.get_by_role("button", name="批准").click()
    year = timezone.localdate().year
    assert page.locator("h1").inner_text() == f"{year}年第1批"

    # During the notice period the unit objects; the official rejects the objection.
    page.get_by_role("link", name="登记异议 惠城区旭日五金加工厂").click()
    page.get_by_label("异议理由").fill("我单位已于检查次日打通消防通道。")
    page.get_by_role("button", name="登记异议").click()
    page.goto("/staff/batches/objections/")
    page.get_by_role("link", name="决定 惠城区旭日五金加工厂").click()
    page.get_by_label("异议不成立：保留在批次中").check()
    page.get_by_label("决定理由").fill("复查照片显示安全出口仍上锁。")
    page.get_by_role("button", name="提交决定").click()
    assert page.get_by_text("没有待决定的异议。").is_visible()

    # The notice period runs out (the clock moves on), the official finalises.
    Batch.objects.filter(pk=batch.pk).update(
        notice_period_ends=timezone.localdate() - datetime.timedelta(days=1)
    )
    page.goto(f"/staff/batches/{batch.pk}/")
    page.get_by_role("button", name="定稿").click()
    download_link = page.get_by_role("link", name="下载公告PDF")

    def notice_built() -> bool:
        if download_link.is_visible():
            return True
        page.reload()
        return False

    wait_until(notice_built, timeout=30, interval=0.3, what="the notice PDF's link")

    # Published on the day the newspaper prints it.
    page.get_by_role("link", name="发布公示").click()
    page.get_by_label("刊登媒体").fill("惠州日报")
    page.get_by_role("button", name="发布").click()
    assert page.locator(".page-head .badge").first.inner_text() == "已公示"

    with page.expect_download() as info:
        page.get_by_role("link", name="下载公告PDF").click()
    data = open(info.value.path(), "rb").read()
    shown = page.locator(".hash code").inner_text()
    batch.refresh_from_db()
    assert hashlib.sha256(data).hexdigest() == shown == batch.notice_sha256
    entry = batch.entries.get()
    assert (entry.status, entry.responsible_person, entry.case.responsible_person) == (
        "listed",
        "陈建国",
        "陈建国",
    )
