"""The printed notice: same bytes for the same batch, paper sizes, header on every page,
Chinese line breaking."""

import datetime
import subprocess

import pytest

import publicity.tasks  # noqa: F401 - registers the tasks with the app, as the worker does
from config.celery import app
from core.pdf import register_cjk_font
from publicity.models import Entry
from publicity.notice import _styles, _wrapped, build_notice_pdf, cjk_lines
from publicity.services import batch_approve, batch_create, batch_finalise, batch_submit, entry_add
from tests.factories import FindingFactory, publication_staff

pytestmark = pytest.mark.django_db


def finalised(count):
    composer, official = publication_staff(), publication_staff()
    batch = batch_create(composer=composer)
    entry_add(
        batch=batch, findings=[FindingFactory() for _ in range(count)], actor=batch.composed_by
    )
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch_submit(batch=batch, actor=composer)
    batch = batch_approve(batch=batch, actor=official)
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    return batch_finalise(batch=batch, actor=official, today=after)


def pdf_pages(data, tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    text = subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.split("\f")[:-1]


def pdf_page_size(data, tmp_path):
    path = tmp_path / "size.pdf"
    path.write_bytes(data)
    info = subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdfinfo", str(path)],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return (
        next(line for line in info.splitlines() if line.startswith("Page size:"))
        .split(":", 1)[1]
        .strip()
    )


def test_build_notice_pdf_gives_the_same_bytes_for_the_same_batch():
    batch = finalised(2)
    assert build_notice_pdf(batch) == build_notice_pdf(batch)


def test_build_notice_pdf_a4_and_a3_landscape(tmp_path):
    batch = finalised(1)
    assert pdf_page_size(build_notice_pdf(batch), tmp_path) == "841.89 x 595.276 pts (A4)"
    assert pdf_page_size(build_notice_pdf(batch, pagesize="A3"), tmp_path) == (
        "1190.55 x 841.89 pts (A3)"
    )


def test_build_notice_pdf_repeats_the_table_header_on_every_page(tmp_path):
    batch = finalised(40)
    pages = pdf_pages(build_notice_pdf(batch), tmp_path)
    assert len(pages) > 1
    for number, page in enumerate(pages, start=1):
        assert "跟踪整改责任单位及责任人" in page
        assert f"第{number}页共{len(pages)}页" in page


def test_build_notice_pdf_draft_preview_is_watermarked(tmp_path):
    batch = finalised(1)
    [page] = pdf_pages(build_notice_pdf(batch, draft=True), tmp_path)
    assert "草稿 · 仅供审核，不得刊登" in page
    assert "关于公示曝光" in page


def test_notice_lines_never_start_with_chinese_punctuation_and_fit_their_cell():
    styles = _styles(register_cjk_font(), 1.0)
    cell = styles["cell"]
    text = "安全出口上锁，消防通道堵塞。员工宿舍与车间同一建筑（三合一），电线私拉乱接。" * 6
    for width in range(60, 200, 7):
        lines = cjk_lines(text, cell.fontName, cell.fontSize, width)
        assert "".join(lines) == text
        assert [line for line in lines[1:] if line[0] in "，。；：）"] == []
        assert [line for line in lines if line[-1] in "（"] == []
        # reportlab lays out exactly these lines: none is broken again.
        paragraph = _wrapped(text, cell, width)
        paragraph.wrap(width, 10_000)
        assert len(paragraph.blPara.lines) == len(lines)


def test_beat_schedule_redispatches_publication_jobs():
    schedule = app.conf.beat_schedule["dispatch-publication-jobs"]
    assert schedule["task"] == "publicity.dispatch_publication_jobs"
    assert "publicity.dispatch_publication_jobs" in app.tasks
    assert "publicity.build_notice" in app.tasks
    assert "publicity.build_prior_notice_letters" in app.tasks


@pytest.mark.parametrize("pagesize", ["A4", "A3"])
def test_a_finding_longer_than_a_page_breaks_across_pages(tmp_path, pagesize):
    # A ~1,200-character description made a row taller than a page: reportlab refused to lay
    # it out, the preview was a 500 and the notice job failed forever.
    batch = finalised(2)
    long_text = "现场检查发现该单位违规储存危险化学品，消防通道堵塞，应急照明失效。" * 80
    Entry.objects.filter(batch=batch).update(violation_text=long_text)

    data = build_notice_pdf(batch, pagesize=pagesize)

    pages = pdf_pages(data, tmp_path)
    assert len(pages) >= 2
    text = "".join(pages).replace(" ", "").replace("\n", "")
    # Every character printed, none lost in the split (a word may straddle two pages, so
    # count one character found only in the description).
    assert text.count("失") == 2 * 80
