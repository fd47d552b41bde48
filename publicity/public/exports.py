"""CSV and XLSX downloads of any filtered exposure list, streamed.

Only the printed, public columns of an entry; nothing from submissions. Text cells that a
spreadsheet would take for a formula are prefixed with an apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.translation import gettext as _

from publicity.models import Entry

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_ROWS_PER_CHUNK = 500


def export_header() -> list[str]:
    return [
        _("编号"),
        _("批次"),
        _("公示日期"),
        _("单位名称"),
        _("统一社会信用代码"),
        _("地址"),
        _("县区"),
        _("行业"),
        _("违法违规行为及事故隐患"),
        _("曝光类别"),
        _("处理措施"),
        _("整改期限"),
        _("跟踪整改责任单位"),
        _("责任人"),
        _("整改状态"),
    ]


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_row(entry: Entry) -> list[Any]:
    return [
        entry.pk,
        entry.batch.label,
        entry.published_on,
        _safe(entry.unit_name),
        entry.credit_code,
        _safe(entry.address),
        entry.district.name,
        entry.industry.name,
        _safe(entry.violation_text),
        entry.get_category_display(),
        entry.get_disposition_display(),
        entry.rectification_deadline,
        entry.department.name,
        _safe(entry.responsible_person),
        entry.badge.label,  # type: ignore[attr-defined]
    ]


class _Echo:
    """A file-like object whose write() hands back what it was given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_stream(entries: Iterable[Entry]) -> Iterator[str]:
    """The CSV text in pieces of a few hundred rows: one piece per row would spend more time
    on the response machinery than on the rows."""
    writer = csv.writer(_Echo())
    # A byte-order mark, so Excel opens the UTF-8 file as UTF-8, not as GBK.
    rows = ["\ufeff" + writer.writerow(export_header())]
    for entry in entries:
        rows.append(writer.writerow(export_row(entry)))
        if len(rows) >= CSV_ROWS_PER_CHUNK:
            yield "".join(rows)
            rows = []
    if rows:
        yield "".join(rows)


def xlsx_file(entries: Iterable[Entry]) -> Any:
    """A temporary file holding the workbook, written row by row (write-only mode keeps
    memory flat); the caller streams it out and it is deleted when closed."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("曝光名单"))
    sheet.append(export_header())
    for entry in entries:
        sheet.append(export_row(entry))
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(handle)
    handle.seek(0)
    return handle
