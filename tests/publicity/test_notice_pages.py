"""The printed notice checked page by page, from the PDF's own text (Poppler's pdftotext):
the demo's first batch (178 units), a 500-row notice and one whose last row must go over to
the signature's page, on A4 and on A3.

Every page carries the table's header once, followed by rows (never a header, or a header
and an empty slice of a row, at a page's foot); every row is printed whole on one page, each
of its cells' text exactly once; the signature (issuing authority and date) and the QR code's
caption close the last page, under the table's last rows."""

import datetime
import re
import subprocess
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from reportlab.lib.pagesizes import landscape
from reportlab.lib.units import mm

from publicity.models import Batch, Entry
from publicity.notice import COLUMNS, PAGE_SIZES, build_notice_pdf
from publicity.services import batch_approve, batch_create, batch_finalise, batch_submit, entry_add
from registry.enums import Disposition, ExposureCategory
from tests.factories import FindingFactory, publication_staff

pytestmark = pytest.mark.django_db

QR_CAPTION = "扫码查看本批次公示信息"
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo province loaded once for the module, in a transaction rolled back at its end
    (as tests/demo/conftest.py loads it)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def unescape(text):
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def pdf_words(data, tmp_path):
    """Every page of the PDF as (width, height, words), a word being (x0, y0, x1, y1, text)
    with y growing downwards, as ``pdftotext -bbox`` gives them."""
    path = tmp_path / "notice.pdf"
    path.write_bytes(data)
    html = subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdftotext", "-bbox", str(path), "-"],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = []
    for chunk in html.split("<page ")[1:]:
        width, height = (float(v) for v in re.findall(r'(?:width|height)="([\d.]+)"', chunk)[:2])
        words = [
            (float(x0), float(y0), float(x1), float(y1), unescape(text))
            for x0, y0, x1, y1, text in WORD.findall(chunk)
        ]
        pages.append((width, height, words))
    return pages


def printed_cells(number, entry):
    """The text of each of the row's cells, as the notice prints it (blanks aside)."""
    name = f"{entry.unit_name}{entry.credit_code}"
    return [
        str(number),
        name,
        entry.address,
        entry.district.name,
        entry.violation_text,
        ExposureCategory(entry.category).label,
        Disposition(entry.disposition).label,
        f"{entry.rectification_deadline.year}年{entry.rectification_deadline.month}月"
        f"{entry.rectification_deadline.day}日",
        f"{entry.department.name}{entry.responsible_person}",
    ]


def squeeze(text):
    return re.sub(r"\s+", "", str(text))


def assert_pages_whole(batch, pagesize, tmp_path, *, rows_whole=True):
    """Check the notice of ``batch`` at ``pagesize`` page by page; return its page count.

    ``rows_whole``: every row on one page. Else rows taller than a page may run over pages,
    every page still printing rows under its header and every cell's text printed once.
    """
    data = build_notice_pdf(batch, pagesize=pagesize)
    pages = pdf_words(data, tmp_path)
    entries = [
        (entry.printed_number, entry)
        for entry in batch.entries.filter(printed_number__isnull=False)
        .select_related("district", "department")
        .order_by("printed_number")
    ]
    expected = {number: [squeeze(c) for c in printed_cells(number, e)] for number, e in entries}
    day = batch.published_on or timezone.localdate(batch.finalised_at)
    sign_date = f"{day.year}年{day.month}月{day.day}日"

    # The table's columns on the page, as build_notice_pdf lays them out (the table spans
    # the margins).
    margin = 12 * mm
    page_width = landscape(PAGE_SIZES[pagesize])[0]
    scale = (page_width - 2 * margin) / sum(width for _name, width in COLUMNS)
    edges = [margin]
    for _name, width in COLUMNS:
        edges.append(edges[-1] + width * scale)

    def column_of(x0, x1):
        middle = (x0 + x1) / 2
        return next(n for n in range(len(COLUMNS)) if edges[n] <= middle < edges[n + 1])

    printed_numbers = []
    printed = [""] * len(COLUMNS)
    for index, (_width, height, words) in enumerate(pages, start=1):
        where = f"{pagesize} page {index} of {len(pages)}"
        footer = [w for w in words if w[1] > height - 16 * mm]
        assert squeeze("".join(w[4] for w in footer)) == f"第{index}页共{len(pages)}页", where
        body = sorted((w for w in words if w[1] <= height - 16 * mm), key=lambda w: (w[1], w[0]))
        # The table starts at its header; everything above it is the title and preamble.
        headers = [w[1] for w in body if w[4] == "违法违规行为及事故隐患"]
        assert len(headers) == 1, f"{where}: the table's header {len(headers)} times"
        header_top = headers[0]
        table = [w for w in body if w[1] >= header_top - 1]
        last_page = index == len(pages)
        closing = []
        if last_page:
            # The signature and the QR code's caption close the last page, under the table.
            sign_top = max(w[1] for w in table if w[4] == settings.AUTHORITY_NAME)
            closing = [w for w in table if w[1] >= sign_top - 1]
            table = [w for w in table if w[1] < sign_top - 1]
            assert sorted(w[4] for w in closing) == sorted(
                [settings.AUTHORITY_NAME, sign_date, QR_CAPTION]
            ), where
        else:
            assert QR_CAPTION not in [w[4] for w in body], where
            assert sign_date not in [w[4] for w in body if column_of(w[0], w[2]) == 8], where
        columns = [""] * len(COLUMNS)
        numbers_words = []
        for x0, _y0, x1, _y1, text in table:
            columns[column_of(x0, x1)] += text
            if column_of(x0, x1) == 0:
                numbers_words.append(text)
        # The header, once, at the top of the table; rows under it (never a header alone at
        # the page's foot, nor a header over an empty slice of a row).
        for column, (name, _width) in enumerate(COLUMNS):
            assert columns[column].startswith(name), (where, name, columns[column][:40])
            columns[column] = columns[column][len(name) :]
            assert name not in columns[column], (where, name)
        assert numbers_words[0] == "序号", where
        numbers = [int(n) for n in numbers_words[1:]]
        printed_numbers += numbers
        if not rows_whole:
            assert any(columns), f"{where}: a header with no row under it"
            for column, text in enumerate(columns):
                printed[column] += text
            if last_page:
                last_text = "".join(expected[n][4] for n in expected)
                assert columns[4], f"{where}: the signature without the last row"
                assert last_text.endswith(columns[4]), where
            continue
        assert numbers, f"{where}: a header with no row under it"
        # Every row whole on this page: each column holds exactly the cells of the rows
        # whose numbers it prints, in order — no slice of a row here and the rest elsewhere.
        for column in range(1, len(COLUMNS)):
            assert columns[column] == "".join(expected[n][column] for n in numbers), (
                where,
                COLUMNS[column][0],
                numbers,
            )
        if last_page:
            assert numbers[-1] == entries[-1][0], where
    # Every 序号 exactly once, in order.
    assert printed_numbers == [number for number, _entry in entries]
    if not rows_whole:
        # Every cell's text once, in order, wherever the pages cut the rows.
        for column in range(1, len(COLUMNS)):
            assert printed[column] == "".join(expected[n][column] for n in expected), COLUMNS[
                column
            ][0]
    return len(pages)


@pytest.mark.parametrize("pagesize", ["A4", "A3"])
def test_demo_first_batch_notice_pages_are_whole(demo, tmp_path, pagesize):
    batch = Batch.objects.order_by("published_on", "pk").first()
    assert (batch.year, batch.number, batch.entries.count()) == (2008, 1, 178)

    assert_pages_whole(batch, pagesize, tmp_path)
    assert build_notice_pdf(batch, pagesize=pagesize) == build_notice_pdf(batch, pagesize=pagesize)


def finalised_with(descriptions, *, written_before_the_limit=False):
    """A finalised batch of one entry per description, in order; ``written_before_the_limit``
    puts the texts straight into the entries, as composed before the printed text had a
    limit (entry_add refuses them now)."""
    composer, official = publication_staff(), publication_staff()
    batch = batch_create(composer=composer)
    if written_before_the_limit:
        findings = [FindingFactory() for _text in descriptions]
    else:
        findings = [FindingFactory(description=text) for text in descriptions]
    entry_add(batch=batch, findings=findings, actor=composer)
    if written_before_the_limit:
        for entry, text in zip(batch.entries.order_by("position"), descriptions, strict=True):
            Entry.objects.filter(pk=entry.pk).update(violation_text=text)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch_submit(batch=batch, actor=composer)
    batch = batch_approve(batch=batch, actor=official)
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    return batch_finalise(batch=batch, actor=official, today=after)


@pytest.fixture(scope="module")
def five_hundred(demo, django_db_blocker):
    """A finalised batch of 500 entries whose descriptions are the demo's, as inspectors
    wrote them (a few findings together, and now and then a long one)."""
    with django_db_blocker.unblock():
        texts = list(Entry.objects.order_by("pk").values_list("violation_text", flat=True))
        long_text = "".join(texts[:12])[:480]
        descriptions = []
        for n in range(500):
            text = texts[n % len(texts)]
            if n % 9 == 4:
                text = "\n".join(texts[(n + k) % len(texts)] for k in range(3))
            if n in (136, 310, 499):
                text = long_text
            descriptions.append(text)
        return finalised_with(descriptions)


@pytest.mark.parametrize("pagesize", ["A4", "A3"])
def test_five_hundred_row_notice_pages_are_whole(five_hundred, tmp_path, pagesize):
    assert five_hundred.entries.count() == 500

    assert_pages_whole(five_hundred, pagesize, tmp_path)


@pytest.mark.parametrize(("pagesize", "rows"), [("A4", 29), ("A3", 37)])
def test_notice_last_row_goes_over_with_the_signature(tmp_path, pagesize, rows):
    # Rows of two lines each, as many as fill the second page but leave no room for the
    # signature and QR code under the last: the last row goes over with them, and the third
    # page prints it alone under the header, then the signature.
    batch = finalised_with(["消防通道堵塞，安全出口上锁。"] * rows)

    pages = assert_pages_whole(batch, pagesize, tmp_path)

    _width, _height, words = pdf_words(build_notice_pdf(batch, pagesize=pagesize), tmp_path)[-1]
    name_column = min(w[0] for w in words if w[4] == "单位名称")
    assert (pages, [w[4] for w in words if w[2] < name_column and w[4].isdigit()]) == (
        3,
        [str(rows)],
    )


@pytest.mark.parametrize("pagesize", ["A4", "A3"])
def test_notice_rows_taller_than_a_page_run_over_pages_whole(tmp_path, pagesize):
    # Entries written before the printed text had a limit: three and a half pages of one
    # row, then the last row of almost a page, which must share its page with the signature.
    batch = finalised_with(
        [
            "消防通道堵塞，安全出口上锁。",
            "现场检查发现该单位违规储存危险化学品，消防通道堵塞，应急照明失效。" * 140,
            "特种作业人员未持证上岗。",
            "员工宿舍与车间同一建筑（三合一），电线私拉乱接。" * 30,
        ],
        written_before_the_limit=True,
    )

    pages = assert_pages_whole(batch, pagesize, tmp_path, rows_whole=False)

    assert pages >= 4
