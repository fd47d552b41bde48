"""The printed documents of a batch, with reportlab: the newspaper notice and the prior-notice
letters. Every document embeds the CJK TrueType font (core.pdf) and is built in reportlab's
invariant mode, so the same batch always yields the same bytes (and the same SHA-256).
"""

from __future__ import annotations

import datetime
import functools
import io
import itertools
import re
from bisect import bisect_right
from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCode
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from core.enums import PeriodUnit
from core.pdf import register_cjk_font
from publicity.enums import EntryStatus
from publicity.models import Batch, Entry
from registry.authorities import (
    AuthorityRules,
    authority_rules,
    deployment_authority,
    site_authority_at,
)
from registry.enums import Disposition, ExposureCategory

PAGE_SIZES = {"A4": A4, "A3": A3}

# Characters a Chinese line must not start with (避头) or end with (避尾). reportlab's own CJK
# wrap knows the Japanese list only (not the full-width comma, semicolon or colon) and hangs at
# most one such character, so a "），" still starts a line with "，": the notice breaks its
# lines itself (cjk_lines) and hands reportlab lines that already fit.
CANNOT_START = set("，。、；：！？）》」』】〕…％,.;:!?)]}")
CANNOT_END = set("（《「『【〔([{")
# A house number, a plot or room code, a credit code: letters, digits and inner hyphens, with
# the counter word that follows it ("2052号", "A3栋", "B-102室", "3号楼" keeps "3号"). A line
# never breaks inside one unless it alone is wider than the line.
UNBREAKABLE = re.compile(
    r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ](?:[0-9A-Za-z０-９Ａ-Ｚａ-ｚ\-－.．/]*[0-9A-Za-z０-９Ａ-Ｚａ-ｚ])?"
    r"[号號栋棟幢座室楼樓层層弄巷院铺舖米吨台人]?"
)
# Left plus right padding of reportlab's page frame: text is that much narrower than the margins.
FRAME_PADDING = 12
# Lines beyond which a row is aligned to its top: the unit's name there, not mid-way down.
TALL_ROW = 12
# A hair under the cell width, so reportlab's own measurement never breaks a line again.
_WIDTH_SLACK = 0.5


def _cuts_number(spans: list[tuple[int, int]], offset: int) -> bool:
    """Whether a line starting at ``offset`` would cut one of the numbers at ``spans`` (in
    order, not overlapping) in two."""
    at = bisect_right(spans, (offset, offset)) - 1
    return at >= 0 and spans[at][0] < offset < spans[at][1]


@functools.lru_cache(maxsize=65536)
def _char_width(character: str, font: str, size: float) -> float:
    """The advance of one character (cjk_lines measures every character of every cell)."""
    return stringWidth(character, font, size)


def cjk_lines(
    text: str, font: str, size: float, width: float, first_indent: float = 0
) -> list[str]:
    """Break Chinese text into lines no wider than ``width`` points, none starting with a
    character of CANNOT_START nor ending with one of CANNOT_END (the character before moves
    down with it instead), none breaking a number such as "2052号" (UNBREAKABLE: it moves
    down whole, unless it alone is wider than a line). Explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        start, n = 0, len(paragraph)
        if n == 0:
            lines.append("")
            continue
        # The numbers' spans, one regex pass per paragraph; looked up only where a line ends.
        spans = [match.span() for match in UNBREAKABLE.finditer(paragraph)]
        while start < n:
            limit = width - _WIDTH_SLACK - (first_indent if not lines else 0)
            end, used = start, 0.0
            while end < n:
                advance = _char_width(paragraph[end], font, size)
                if used + advance > limit and end > start:
                    break
                used += advance
                end += 1
            if end < n:
                # Pull characters down until the next line may start and this one may end.
                fits = end
                while end - 1 > start and (
                    paragraph[end] in CANNOT_START
                    or paragraph[end - 1] in CANNOT_END
                    or _cuts_number(spans, end)
                ):
                    end -= 1
                if _cuts_number(spans, end):
                    # A number longer than the whole line: break it where it had to be, with
                    # the punctuation rules only.
                    end = fits
                    while end - 1 > start and (
                        paragraph[end] in CANNOT_START or paragraph[end - 1] in CANNOT_END
                    ):
                        end -= 1
            lines.append(paragraph[start:end])
            start = end
    return lines


# 序号 · 单位名称 · 地址 · 县区 · 违法违规行为及事故隐患 · 曝光类别 · 处理措施 · 整改期限 ·
# 跟踪整改责任单位及责任人: the columns of the bureau's printed notices, in their order.
COLUMNS = [
    ("序号", 26),
    ("单位名称", 100),
    ("地址", 100),
    ("县区", 44),
    ("违法违规行为及事故隐患", 166),
    ("曝光类别", 80),
    ("处理措施", 72),
    ("整改期限", 70),
    ("跟踪整改责任单位及责任人", 112),
]


def _styles(font: str, scale: float) -> dict[str, ParagraphStyle]:
    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        # wordWrap CJK: break between any two Chinese characters, never before 。or ，.
        return ParagraphStyle(
            name,
            fontName=font,
            bulletFontName=font,
            fontSize=size * scale,
            leading=size * scale * 1.35,
            wordWrap="CJK",
            **kw,
        )

    return {
        "authority": style("authority", 20, alignment=TA_CENTER, textColor=colors.HexColor("#b00")),
        "title": style("title", 15, alignment=TA_CENTER, spaceBefore=4, spaceAfter=8),
        "body": style("body", 10.5, alignment=TA_JUSTIFY, firstLineIndent=21 * scale),
        "cell": style("cell", 8),
        "cell_center": style("cell_center", 8, alignment=TA_CENTER),
        "head": style("head", 8.5, alignment=TA_CENTER),
        "sign": style("sign", 10.5, alignment=TA_RIGHT),
        "small": style("small", 8, alignment=TA_CENTER),
        "draft": style("draft", 10.5, alignment=TA_CENTER, textColor=colors.HexColor("#b00")),
    }


def _numbered_canvas(font: str, *, watermark: str | None) -> type[Canvas]:
    """A canvas that knows the page count when it writes each page's "第 x 页 共 y 页"."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # The CJK font from the first page on: no unembedded Helvetica in the file.
            kwargs["initialFontName"] = font
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._decorate(total)
                Canvas.showPage(self)
            Canvas.save(self)

        def _decorate(self, total: int) -> None:
            width, _height = self._pagesize
            self.setFont(font, 9)
            self.drawCentredString(width / 2, 10 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            if watermark:
                self.saveState()
                self.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.18))
                self.setFont(font, 140)
                self.translate(width / 2, self._pagesize[1] / 2)
                self.rotate(30)
                self.drawCentredString(0, -50, watermark)
                self.restoreState()

    return NumberedCanvas


def _printed_entries(batch: Batch, *, draft: bool) -> list[tuple[int, Entry]]:
    """The rows of the notice with their 序号.

    Final: the entries numbered at finalisation (``Entry.printed_number``), whatever became
    of them after publication (withdrawn by erratum, removed at the end of its term) — the
    same numbers the public pages, exports and API show. Draft: the planned entries counted
    in order, as finalisation will number them if no objection is upheld.
    """
    entries = batch.entries.select_related("district", "department")
    if draft:
        planned = entries.filter(status=EntryStatus.PLANNED).order_by("position")
        return list(enumerate(planned, start=1))
    printed = entries.filter(printed_number__isnull=False).order_by("printed_number")
    return [(entry.printed_number, entry) for entry in printed if entry.printed_number]


def notice_title(batch: Batch) -> str:
    if batch.number is None:
        which = "（批次号待定）"
    else:
        which = f"{batch.year}年第{batch.number}批"
    return f"关于公示曝光{which}存在违法违规行为和重大事故隐患生产经营单位的公告"


def notice_public_url(batch: Batch) -> str:
    """The batch's page on its city's public site (public.sites), for the QR code."""
    authority = authority_rules(batch.authority_id) if batch.authority_id else None
    site = site_authority_at(authority.path) if authority and authority.pk else None
    return settings.NOTICE_PUBLIC_URL.format(
        site=settings.SITE_URL.rstrip("/"),
        city=f"/{site.slug}" if site else "",
        year=batch.year,
        number=batch.number,
        id=batch.pk,
    )


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _notice_date(batch: Batch) -> datetime.date | None:
    if batch.published_on:
        return batch.published_on
    if batch.finalised_at:
        return timezone.localdate(batch.finalised_at)
    return None


def _qr(url: str, size: float) -> QrCode:
    # The plain flowable draws rectangles only; the graphics widget would pull in Helvetica.
    return QrCode(url, width=size, height=size, qrLevel="M")


def _text(value: str) -> str:
    # Paragraph reads a small markup language: escape the user's text.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrapped(value: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A paragraph of ``value`` broken by cjk_lines for a box ``width`` points wide."""
    lines = cjk_lines(
        value, style.fontName, style.fontSize, width, first_indent=style.firstLineIndent
    )
    return Paragraph("<br/>".join(_text(line) for line in lines), style)


class CellLines(Flowable):
    """Lines already broken by cjk_lines, printed as they are: what a Paragraph of the same
    lines joined by <br/> prints, in the same place, without the Paragraph's cost. A table
    measures every cell several times (the page's row heights, again when it splits at the
    page end, again to draw it) and a Paragraph parses its markup and lays out its lines
    character by character each time; these lines are only counted.

    For the notice's cell styles (left or centred, no indent) and plain lines only
    (``_plain_line``): a Paragraph collapses runs of blanks and has ways of its own with
    empty lines and format characters, so a cell with any of those stays a Paragraph.
    """

    def __init__(self, lines: list[str], style: ParagraphStyle) -> None:
        super().__init__()
        self.lines = lines
        self.style = style

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        self.width = availWidth
        self.height = len(self.lines) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        # As a Paragraph splits (a row taller than the rest of the page, splitInRow): the
        # lines that fit stay, the rest continue on the next page; never one line alone.
        fit = int(availHeight / self.style.leading)
        if fit <= 1:
            return []
        if fit >= len(self.lines):
            return [self]
        return [
            CellLines(self.lines[:fit], self.style),
            CellLines(self.lines[fit:], self.style),
        ]

    def draw(self) -> None:
        style = self.style
        text = self.canv.beginText()
        text.setFont(style.fontName, style.fontSize, style.leading)
        text.setFillColor(style.textColor)
        # A Paragraph's first baseline lies one font size below its top.
        y = self.height - style.fontSize
        for line in self.lines:
            x = 0.0
            if style.alignment == TA_CENTER:
                x = (self.width - stringWidth(line, style.fontName, style.fontSize)) / 2
            text.setTextOrigin(x, y)
            text.textOut(line)
            y -= style.leading
        self.canv.drawText(text)


def _plain_line(line: str) -> bool:
    """Whether a Paragraph prints ``line`` exactly as it is: not empty, nothing it would
    collapse or treat apart (runs of spaces, tabs, other blanks, format characters)."""
    return line.isprintable() and line.strip(" ") == line != "" and "  " not in line


class FullWidth(Flowable):
    """``content`` in a cell of the table's first column, drawn across the whole table (the
    cell has no padding). A SPAN over the row would do the same, but any SPAN makes reportlab
    recompute its span ranges over every cell of the rows left at each page break
    (Table._calcSpanRanges, _calcSpanRects): quadratic in the rows. The cell reports its
    column's width, as a table refuses a cell wider than its column."""

    def __init__(self, content: Flowable, width: float) -> None:
        super().__init__()
        self.content = content
        self.content_width = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab's names
        _width, self.height = self.content.wrap(self.content_width, availHeight)
        self.width = availWidth
        return self.width, self.height

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, 0)


class NoticeTable(LongTable):
    """A table that never breaks between its last two rows: the last entry's and the
    closing's, so that the signature and QR code never stand alone on a page.

    A NOSPLIT over the two rows would do the same, but any NOSPLIT makes reportlab recompute
    its no-split ranges over every cell of the rows left at each page break
    (Table._calcNoSplitRanges): quadratic in the rows. This moves the break where reportlab
    chooses it, up one row when it would fall just before the closing; the remainder of a
    split is a table of the same class (reportlab builds it with ``self.__class__``).
    """

    def _getFirstPossibleSplitRowPosition(self, *args: Any, **kwargs: Any) -> int:  # noqa: N802 - reportlab's name
        # Despite its name, the last position where the table may break: the number of rows
        # that stay on this page. The arguments are passed on as they come: reportlab's
        # signature (availHeight, ignoreSpans) is its own business.
        split_at: int = super()._getFirstPossibleSplitRowPosition(*args, **kwargs)
        if split_at == self._nrows - 1:
            # Everything but the closing: the last entry's row goes over with it (or, when
            # only the header is left, the whole table moves to the next page).
            return split_at - 1
        return split_at


def _cell_of(lines: list[str], style: ParagraphStyle) -> Flowable:
    """A table cell printing ``lines`` (already broken by cjk_lines)."""
    if all(_plain_line(line) for line in lines):
        return CellLines(lines, style)
    return Paragraph("<br/>".join(_text(line) for line in lines), style)


def _cell(value: str, style: ParagraphStyle, width: float) -> tuple[Flowable, int]:
    """A table cell of ``value`` broken for ``width`` points, and its number of lines."""
    lines = cjk_lines(value, style.fontName, style.fontSize, width)
    return _cell_of(lines, style), len(lines)


# The table cells' paddings (points): what a row adds to its lines' height.
CELL_TOP_PADDING, CELL_BOTTOM_PADDING, CELL_SIDE_PADDING = 2, 3, 3
NOTICE_MARGIN = 12 * mm
# Under the frame: the page number, "第 x 页 共 y 页".
NOTICE_BOTTOM_MARGIN = 16 * mm
# Between the table's last row and the signature.
CLOSING_GAP = 6 * mm
# Rounding of reportlab's own sums: a row computed to fit exactly must fit.
_HEIGHT_SLACK = 0.5

Cells = list[tuple[list[str], ParagraphStyle]]


class NoticeLayout:
    """The notice's geometry on one paper size: its styles, its columns, and how many lines
    of a row fit on a page under the repeated header, with or without the signature and QR
    code under them."""

    def __init__(self, pagesize: str) -> None:
        self.font = register_cjk_font()
        self.size = landscape(PAGE_SIZES[pagesize])
        self.usable = self.size[0] - 2 * NOTICE_MARGIN
        scale = self.usable / sum(width for _name, width in COLUMNS)
        self.styles = _styles(self.font, min(scale, 1.3))
        self.col_widths = [width * scale for _name, width in COLUMNS]
        # The width inside each cell: its column less the padding on either side.
        self.inner = [width - 2 * CELL_SIDE_PADDING for width in self.col_widths]
        self.leading = self.styles["cell"].leading
        header_height = max(
            Paragraph(name, self.styles["head"]).wrap(width, 10_000)[1]
            for (name, _width), width in zip(COLUMNS, self.inner, strict=True)
        )
        # The frame (the page less its margins and the frame's own padding, the same top and
        # bottom as left and right) less the header repeated at its top.
        self.room = (
            self.size[1]
            - NOTICE_MARGIN
            - NOTICE_BOTTOM_MARGIN
            - FRAME_PADDING
            - (header_height + CELL_TOP_PADDING + CELL_BOTTOM_PADDING)
        )

    def lines_in(self, height: float) -> int:
        """How many lines of a row fit in ``height`` points of the table."""
        return int(
            (height - CELL_TOP_PADDING - CELL_BOTTOM_PADDING - _HEIGHT_SLACK) // self.leading
        )

    def cells(
        self, number: int, entry: Entry, categories: dict[str, str], dispositions: dict[str, str]
    ) -> Cells:
        """The lines of each cell of an entry's row, with their styles."""
        s = self.styles
        # The credit code under the name, in the same cell: it fits the column on one line.
        name = f"{entry.unit_name}\n{entry.credit_code}" if entry.credit_code else entry.unit_name
        values = [
            (str(number), "cell_center"),
            (name, "cell"),
            (entry.address, "cell"),
            (entry.district.name, "cell_center"),
            (entry.violation_text, "cell"),
            (categories.get(entry.category, entry.category), "cell_center"),
            (dispositions.get(entry.disposition, entry.disposition), "cell_center"),
            (_chinese_date(entry.rectification_deadline), "cell_center"),
            (f"{entry.department.name}\n{entry.responsible_person}", "cell"),
        ]
        return [
            (cjk_lines(value, s[style].fontName, s[style].fontSize, width), s[style])
            for (value, style), width in zip(values, self.inner, strict=True)
        ]

    def closing(self, *, signer: str, url: str | None, day: str) -> tuple[Flowable, float]:
        """The signature (``signer``, the issuing authority, and the date) and, with ``url``,
        the QR code of the batch's public page beside it; and the height it takes under the
        table."""
        s = self.styles
        sign = [
            Paragraph(_text(signer), s["sign"]),
            Paragraph(day, s["sign"]),
        ]
        closing: Flowable
        if url is None:
            closing = Table([[sign]], colWidths=[self.usable])
        else:
            qr_size, caption = 24 * mm, "扫码查看本批次公示信息"
            # The caption on one line under the code (with the cell's 6-point paddings), at
            # the larger type of A3 as well.
            caption_width = stringWidth(caption, self.font, s["small"].fontSize) + 13
            qr = Table(
                [[_qr(url, qr_size)], [Paragraph(caption, s["small"])]],
                colWidths=[max(qr_size + 12 * mm, caption_width)],
            )
            qr.setStyle(
                TableStyle(
                    [
                        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                        ("FONTNAME", (0, 0), (-1, -1), self.font),
                    ]
                )
            )
            closing = Table([[qr, sign]], colWidths=[self.usable * 0.3, self.usable * 0.7])
        closing.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("FONTNAME", (0, 0), (-1, -1), self.font),
                ]
            )
        )
        return closing, closing.wrap(self.usable, 10_000)[1] + CLOSING_GAP

    def pieces(self, cells: Cells, *, room: float) -> list[Cells]:
        """The row of ``cells`` as the table prints it: one row if it fits in ``room``, else
        cut into rows of as many lines as a page holds under the header, the last one no
        taller than ``room``. Every line printed once, in order: a row taller than a page
        continues at the top of the next pages."""
        total = max(len(lines) for lines, _style in cells)
        last = max(1, self.lines_in(room))
        if total <= last:
            return [cells]
        per_page = max(1, self.lines_in(self.room))
        cuts = list(range(0, total, per_page))
        if total - cuts[-1] > last:
            cuts.append(total - last)
        cuts.append(total)
        return [
            [(lines[start:end], style) for lines, style in cells]
            for start, end in itertools.pairwise(cuts)
        ]


def notice_row_check(entry: Entry) -> tuple[int, int]:
    """How many lines the entry's row takes in the notice on A4 (the smaller paper), and how
    many fit on one page under the header with the signature and QR code under them: a row
    within that never breaks across a page wherever it falls in the batch, even as its last.

    On A4 landscape the "违法违规行为及事故隐患" cell is 160 points wide: 19 Chinese
    characters a line at 8 points; a page holds 44 lines of 10.9 points under the header, 33
    with the signature and QR code (114 points) under them. core.pdf.PRINTED_TEXT_MAX_LENGTH
    (500) is 27 lines, 30 if the punctuation rules shorten every line by two characters,
    which leaves room for a few findings each starting its own line; this check refuses what
    is left over (a text of many short paragraphs).
    """
    layout = NoticeLayout("A4")
    categories = {value: str(label) for value, label in ExposureCategory.choices}
    dispositions = {value: str(label) for value, label in Disposition.choices}
    cells = layout.cells(
        entry.printed_number or entry.position or 1, entry, categories, dispositions
    )
    _closing, closing_height = layout.closing(
        signer=deployment_authority().name, url="", day="年　月　日"
    )
    return (
        max(len(lines) for lines, _style in cells),
        layout.lines_in(layout.room - closing_height),
    )


def build_notice_pdf(batch: Batch, *, pagesize: str = "A4", draft: bool = False) -> bytes:
    """The newspaper notice of a batch as PDF bytes (landscape A4 or A3).

    ``draft`` builds the review preview: only the planned entries, watermarked 草稿.
    The same batch and arguments always give the same bytes.

    The table breaks between rows only; its header repeats at the top of every page; the
    signature and QR code stay on the page of its last row. A row taller than a page (an
    entry written before core.pdf.PRINTED_TEXT_MAX_LENGTH, see notice_row_check) is cut
    into rows of a page each, every line printed once.
    """
    layout = NoticeLayout(pagesize)
    font, size, usable, s = layout.font, layout.size, layout.usable, layout.styles
    # The issuing authority (the batch's): its name heads the notice and signs it, its
    # regulation and hotline are in the preamble.
    authority = authority_rules(batch.authority_id)
    entries = _printed_entries(batch, draft=draft)

    story: list[Any] = [
        Paragraph(_text(authority.name), s["authority"]),
        Paragraph(_text(notice_title(batch)), s["title"]),
    ]
    if draft:
        story.append(Paragraph("草稿 · 仅供审核，不得刊登", s["draft"]))
    city, regulation = authority.place, authority.regulation
    story.append(
        _wrapped(
            (
                f"为认真贯彻落实{regulation}，强化安全生产社会监督，促进生产经营单位落实安全生产"
                f"主体责任，经安全生产检查，现将{len(entries)}家存在违法违规行为和重大事故隐患的"
                f"生产经营单位予以公示曝光（名单见下表）。各跟踪整改责任单位及责任人应督促被曝光"
                f"单位按期整改到位；依法取缔、依法关闭的，应确保其不再生产经营。欢迎社会各界监督，"
                f"发现非法违法生产经营行为和事故隐患，请拨打{city}安全生产举报投诉电话："
                f"{authority.hotline}。"
            ),
            s["body"],
            usable - FRAME_PADDING,
        )
    )
    story.append(Spacer(1, 4 * mm))

    day = _notice_date(batch)
    closing, closing_height = layout.closing(
        signer=authority.name,
        url=notice_public_url(batch) if batch.number is not None and not draft else None,
        day=_chinese_date(day) if day and not draft else "年　月　日",
    )

    header = [Paragraph(name, s["head"]) for name, _width in COLUMNS]
    rows: list[list[Any]] = [header]
    row_styles: list[tuple[Any, ...]] = []
    # What get_category_display() and get_disposition_display() give, looked up once: each
    # call hashes the field's whole list of lazily translated choices.
    categories = {value: str(label) for value, label in ExposureCategory.choices}
    dispositions = {value: str(label) for value, label in Disposition.choices}
    for index, (number, entry) in enumerate(entries, start=1):
        cells = layout.cells(number, entry, categories, dispositions)
        # The last row shares its page with the signature and QR code.
        room = layout.room - closing_height if index == len(entries) else layout.room
        pieces = layout.pieces(cells, room=room)
        for piece in pieces:
            if len(pieces) > 1 or max(len(lines) for lines, _style in piece) > TALL_ROW:
                # A tall row reads from its top: the unit's name there, not mid-way down;
                # a row cut over pages continues at the top of the next.
                row = len(rows)
                row_styles.append(("VALIGN", (0, row), (-1, row), "TOP"))
            rows.append([_cell_of(lines, style) for lines, style in piece])
    # The closing as the table's last row, across all columns, without rules: the table
    # never breaks between it and the row before (NoticeTable), so the signature and QR code
    # are never left alone on a page.
    rows.append([FullWidth(closing, usable)] + [""] * (len(COLUMNS) - 1))
    table = NoticeTable(
        rows,
        colWidths=layout.col_widths,
        # The header row is repeated at the top of every page.
        repeatRows=1,
        # Between rows only: a row never leaves a slice of itself at a page's foot (pieces
        # has already cut the rows taller than a page).
        splitInRow=0,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("GRID", (0, 0), (-1, -2), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8e8e8")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), CELL_TOP_PADDING),
                ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_BOTTOM_PADDING),
                ("LEFTPADDING", (0, 0), (-1, -1), CELL_SIDE_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), CELL_SIDE_PADDING),
                *row_styles,
                ("VALIGN", (0, -1), (-1, -1), "TOP"),
                ("TOPPADDING", (0, -1), (-1, -1), CLOSING_GAP),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 0),
                ("LEFTPADDING", (0, -1), (-1, -1), 0),
                ("RIGHTPADDING", (0, -1), (-1, -1), 0),
            ]
        )
    )
    story.append(table)

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=size,
        leftMargin=NOTICE_MARGIN,
        rightMargin=NOTICE_MARGIN,
        topMargin=NOTICE_MARGIN,
        bottomMargin=NOTICE_BOTTOM_MARGIN,
        title=notice_title(batch),
        author=authority.name,
        subject=batch.label,
        creator="Gongshi",
        # Fixed creation date and document id: the same batch gives the same bytes.
        invariant=1,
    )
    doc.build(story, canvasmaker=_numbered_canvas(font, watermark="草稿" if draft else None))
    return buffer.getvalue()


def _objection_period(authority: AuthorityRules) -> str:
    # The letter is printed in Chinese whatever language the job runs in.
    objection = authority.objection_period
    if objection.unit == PeriodUnit.WORKING:
        return f"{objection.days}个工作日"
    return f"{objection.days}日"


def build_letter_pdf(entry: Entry) -> bytes:
    """The prior-notice letter (安全生产公示曝光事先告知书) to one unit of an approved batch:
    the facts, the legal basis, the planned publication and its right to object."""
    font = register_cjk_font()
    s = _styles(font, 1.0)
    batch = entry.batch
    authority = authority_rules(batch.authority_id)
    if batch.notice_period_ends is None or batch.approved_at is None:
        raise ValueError(f"batch {batch.pk} is not approved: it has no prior notice period")
    # The legal basis of every violation the unit's entry carries, each provision once.
    provisions = list(
        {p.pk: p for f in entry.findings_in_order for p in f.provisions.all()}.values()
    )
    if provisions:
        basis = "；".join(f"{p}：{p.text}" for p in provisions)
    else:
        basis = authority.regulation
    body = s["body"]
    width = A4[0] - 50 * mm - FRAME_PADDING
    story: list[Any] = [
        Paragraph(_text(authority.name), s["authority"]),
        Paragraph("安全生产公示曝光事先告知书", s["title"]),
        Paragraph(
            f"{_text(entry.unit_name)}：", ParagraphStyle("to", parent=body, firstLineIndent=0)
        ),
        _wrapped(
            (
                f"经安全生产检查，你单位（地址：{entry.address}）存在以下违法违规行为或事故隐患："
                f"{entry.violation_text}"
            ),
            body,
            width,
        ),
        _wrapped(f"依据：{basis}。", body, width),
        _wrapped(
            (
                f"根据{authority.regulation}，本局拟将你单位列入{batch.label}公示曝光名单，"
                f"在报纸和本局网站上公示曝光。曝光类别：{entry.get_category_display()}；"
                f"处理措施：{entry.get_disposition_display()}；整改期限："
                f"{_chinese_date(entry.rectification_deadline)}；跟踪整改责任单位及责任人："
                f"{entry.department.name} {entry.responsible_person}。"
            ),
            body,
            width,
        ),
        _wrapped(
            (
                f"你单位如对上述事实有异议，有权在{_objection_period(authority)}内，即"
                f"{_chinese_date(batch.notice_period_ends)}前，向本局提出书面陈述、申辩，"
                f"并提交相关证据材料。逾期未提出的，视为放弃陈述、申辩的权利。"
                f"咨询电话：{authority.hotline}。"
            ),
            body,
            width,
        ),
        Spacer(1, 12 * mm),
        Paragraph(_text(authority.name), s["sign"]),
        Paragraph(_chinese_date(timezone.localdate(batch.approved_at)), s["sign"]),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=f"安全生产公示曝光事先告知书 · {entry.unit_name}",
        author=authority.name,
        creator="Gongshi",
        invariant=1,
    )
    doc.build(story, canvasmaker=_numbered_canvas(font, watermark=None))
    return buffer.getvalue()
