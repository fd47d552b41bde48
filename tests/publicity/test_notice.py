"""The printed notice: same bytes for the same batch, paper sizes, header on every page,
Chinese line breaking."""

import datetime
import subprocess

import pytest
from reportlab.platypus import Paragraph

import publicity.tasks  # noqa: F401 - registers the tasks with the app, as the worker does
from config.celery import app
from core.pdf import register_cjk_font
from publicity.models import Entry
from publicity.notice import (
    CellLines,
    _cell,
    _styles,
    _text,
    _wrapped,
    build_notice_pdf,
    cjk_lines,
)
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


def notice_column_width(name, pagesize="A4"):
    """The inner width of a notice column (as build_notice_pdf computes it), in points."""
    from reportlab.lib.pagesizes import landscape
    from reportlab.lib.units import mm

    from publicity.notice import COLUMNS, PAGE_SIZES

    usable = landscape(PAGE_SIZES[pagesize])[0] - 2 * 12 * mm
    scale = usable / sum(width for _name, width in COLUMNS)
    return dict(COLUMNS)[name] * scale - 6


@pytest.mark.parametrize("pagesize", ["A4", "A3"])
def test_notice_prints_the_credit_code_whole_under_the_unit_name(tmp_path, pagesize):
    batch = finalised(2)
    first, second = batch.entries.order_by("position").select_related("enterprise")
    Entry.objects.filter(pk=second.pk).update(credit_code="")

    [page] = pdf_pages(build_notice_pdf(batch, pagesize=pagesize), tmp_path)

    code = first.enterprise.credit_code
    lines = page.splitlines()
    [(name_row, name_column)] = [
        (n, line.index(first.unit_name)) for n, line in enumerate(lines) if first.unit_name in line
    ]
    [(code_row, code_column)] = [
        (n, line.index(code)) for n, line in enumerate(lines) if code in line
    ]
    # Unbroken, below the name in the name's own cell (the other columns' middle line between).
    assert (code_column, code_row - name_row) == (name_column, 2)
    assert second.enterprise.credit_code not in page


def greedy_line_starts(text, font, size, width):
    """Where lines would start if text were cut wherever the next character overflows."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    starts, used = [], 0.0
    for offset, character in enumerate(text):
        advance = stringWidth(character, font, size)
        if used + advance > width - 0.5 and used:
            starts.append(offset)
            used = 0.0
        used += advance
    return starts


def test_notice_never_breaks_a_house_number():
    cell = _styles(register_cjk_font(), 1.0)["cell"]
    width = notice_column_width("地址")
    cut_inside = 0
    for extra in range(12):
        address = "惠州市惠城区" + "东" * extra + "鹅岭北路2052号A3-101室旁"
        numbers = [
            range(address.index(number) + 1, address.index(number) + len(number))
            for number in ("2052号", "A3-101室")
        ]
        # For some of these addresses a plain cut falls inside a number, or the test
        # would prove nothing.
        cut_inside += any(
            start in span
            for start in greedy_line_starts(address, cell.fontName, cell.fontSize, width)
            for span in numbers
        )

        lines = cjk_lines(address, cell.fontName, cell.fontSize, width)

        assert "".join(lines) == address
        assert [line for line in lines if "2052号" in line] != [], lines
        assert [line for line in lines if "A3-101室" in line] != [], lines
        # reportlab lays out exactly these lines: none is broken again.
        paragraph = _wrapped(address, cell, width)
        paragraph.wrap(width, 10_000)
        assert len(paragraph.blPara.lines) == len(lines)
    assert cut_inside >= 4


def test_notice_breaks_a_number_wider_than_its_column_where_it_must():
    styles = _styles(register_cjk_font(), 1.0)
    cell = styles["cell"]
    code = "9144130201234567890123456789"

    lines = cjk_lines(f"编号{code}", cell.fontName, cell.fontSize, 60)

    assert "".join(lines) == f"编号{code}"
    assert len(lines) > 1
    assert all(line for line in lines)


def test_notice_pdf_keeps_the_house_number_whole_where_the_address_wraps(tmp_path):
    batch = finalised(1)
    # At 8 points a character is 8 points wide and a digit about 4.4: on A4 the address
    # column holds eleven characters, so the line fills up inside "2052号".
    Entry.objects.filter(batch=batch).update(address="惠州市惠城区鹅岭北路2052号综合楼")

    [page] = pdf_pages(build_notice_pdf(batch), tmp_path)

    assert [line for line in page.splitlines() if "2052号" in line] != []
    assert [line for line in page.splitlines() if "鹅岭北路205" in line] == []


def table_pdf(cells, tmp_path, name):
    """One notice-styled table of ``cells`` (rows of flowables) on small pages, as
    ``pdftotext -bbox``: every word of every page with its box."""
    import io

    from reportlab.lib.pagesizes import A6
    from reportlab.platypus import LongTable, SimpleDocTemplate, TableStyle

    buffer = io.BytesIO()
    table = LongTable(cells, colWidths=[70, 140, 60], repeatRows=1, splitInRow=1)
    # The notice's paddings: its cells' lines are broken for the column less 3 points a side.
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    SimpleDocTemplate(buffer, pagesize=A6, invariant=1).build([table])
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(buffer.getvalue())
    return subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdftotext", "-bbox", str(path), "-"],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_notice_cells_print_what_a_paragraph_of_their_lines_prints(tmp_path):
    # The table's cells are drawn from their lines (CellLines) rather than as Paragraphs,
    # which cost the notice most of its time: same words, in the same places, on the same
    # pages, a row taller than the page continuing on the next one.
    styles = _styles(register_cjk_font(), 1.0)
    texts = [
        ("头", "违法违规行为", "县区"),
        ("惠州市宏发五金有限公司\n91441300000001920X", "消防通道堵塞。" * 3, "惠城区"),
        ("A&B <c> 分厂", "现场检查发现该单位违规储存危险化学品，应急照明失效。" * 40, "大亚湾"),
        ("鹅岭北路2052号A3-101室", "特种作业人员未持证上岗。", "博罗县"),
    ]
    widths = [64, 134, 54]

    def rows(cell):
        return [
            [
                cell(text, styles["cell" if column < 2 else "cell_center"], width)
                for column, (text, width) in enumerate(zip(row, widths, strict=True))
            ]
            for row in texts
        ]

    def as_lines(text, style, width):
        flowable, _count = _cell(text, style, width)
        assert isinstance(flowable, CellLines)
        return flowable

    def as_paragraph(text, style, width):
        lines = cjk_lines(text, style.fontName, style.fontSize, width)
        return Paragraph("<br/>".join(_text(line) for line in lines), style)

    lines_pdf = table_pdf(rows(as_lines), tmp_path, "lines")
    assert lines_pdf.count("<page ") > 2
    assert lines_pdf == table_pdf(rows(as_paragraph), tmp_path, "paragraphs")


def test_notice_cells_a_paragraph_would_print_otherwise_stay_paragraphs():
    cell = _styles(register_cjk_font(), 1.0)["cell"]
    for plain in ("惠州市惠城区鹅岭北路2052号", "Room 101", "A&B <c>", "9144130000000192X"):
        assert isinstance(_cell(plain, cell, 94)[0], CellLines), plain
    # A Paragraph collapses a run of blanks and turns a tab into a space: printed as before.
    for other in ("多个   空格", "tab\there", "全角\u3000空格", "", "软\u00ad连字符"):
        assert isinstance(_cell(other, cell, 94)[0], Paragraph), other


def test_notice_cells_split_where_a_paragraph_splits():
    # At a page end a tall row is split: as many lines stay as fit, never one alone.
    cell = _styles(register_cjk_font(), 1.0)["cell"]
    lines = cjk_lines(
        "现场检查发现该单位违规储存危险化学品，应急照明失效。" * 6,
        cell.fontName,
        cell.fontSize,
        134,
    )
    paragraph_text = "<br/>".join(_text(line) for line in lines)
    for room in range(0, int(len(lines) * cell.leading) + 20, 2):
        ours = CellLines(lines, cell).split(134, room)
        theirs = Paragraph(paragraph_text, cell).split(134, room)
        assert [part.wrap(134, 10_000) for part in ours] == [
            part.wrap(134, 10_000) for part in theirs
        ], room
