"""CSV and XLSX downloads of any filtered exposure list: the rows, and their writers.

Only the printed, public columns of an entry; nothing from submissions. Text cells that a
spreadsheet would take for a formula are prefixed with an apostrophe (CSV injection).

The same writers serve both ways a download is made: streamed by the request when the list
is small enough to finish well inside the web timeout (``EXPORT_STREAM_MAX_ROWS``), and
written to a file by a worker otherwise (``public.export_jobs``), so the two give
the same bytes for the same rows.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _

from publicity.models import Entry

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_ROWS_PER_CHUNK = 500
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_filename(fmt: str) -> str:
    return f"gongshi-entries.{fmt}"


class ExportTooLarge(Exception):
    """More rows than an XLSX worksheet holds: refused rather than cut short."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        super().__init__(xlsx_too_large_message(rows))


def xlsx_too_large_message(rows: int) -> str:
    return _(
        "Excel 工作表最多容纳 %(limit)s 行数据，本结果有 %(rows)s 条，无法完整导出为 XLSX。"
        "请下载 CSV，或缩小筛选范围。"
    ) % {"limit": f"{settings.EXPORT_XLSX_MAX_ROWS:,}", "rows": f"{rows:,}"}


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


class _RowMaker:
    """An entry's row of the download. The labels (batch, category, disposition; the
    status's in ``entry_export_rows``) are translated once a download per value, not once a
    row: through gettext each costs about 0.1 ms, which a million rows turn into minutes."""

    def __init__(self) -> None:
        self.batches: dict[int, str] = {}
        self.labels: dict[tuple[str, str], str] = {}

    def _label(self, entry: Entry, field: str) -> str:
        value = getattr(entry, field)
        label = self.labels.get((field, value))
        if label is None:
            label = self.labels[(field, value)] = str(getattr(entry, f"get_{field}_display")())
        return label

    def __call__(self, entry: Entry) -> list[Any]:
        batch = self.batches.get(entry.batch_id)
        if batch is None:
            batch = self.batches[entry.batch_id] = entry.batch.label
        return [
            entry.pk,
            batch,
            entry.published_on,
            _safe(entry.unit_name),
            entry.credit_code,
            _safe(entry.address),
            entry.district.name,
            entry.industry.name,
            _safe(entry.violation_text),
            self._label(entry, "category"),
            self._label(entry, "disposition"),
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
    export_row = _RowMaker()
    # A byte-order mark, so Excel opens the UTF-8 file as UTF-8, not as GBK.
    rows = ["\ufeff" + writer.writerow(export_header())]
    for entry in entries:
        rows.append(writer.writerow(export_row(entry)))
        if len(rows) >= CSV_ROWS_PER_CHUNK:
            yield "".join(rows)
            rows = []
    if rows:
        yield "".join(rows)


def csv_write(handle: IO[bytes], entries: Iterable[Entry]) -> tuple[int, str]:
    """Write the CSV of ``entries`` to ``handle`` piece by piece, exactly the bytes the
    streamed download sends; return (rows, SHA-256 of the file)."""
    digest = hashlib.sha256()
    rows = 0

    def counted() -> Iterator[Entry]:
        nonlocal rows
        for entry in entries:
            rows += 1
            yield entry

    for piece in csv_stream(counted()):
        data = piece.encode("utf-8")
        digest.update(data)
        handle.write(data)
    return rows, digest.hexdigest()


def xlsx_write(handle: IO[bytes], entries: Iterable[Entry]) -> int:
    """Write the workbook of ``entries`` to ``handle`` row by row (write-only mode keeps
    memory flat); return the rows written. Raises ExportTooLarge, having written nothing,
    past a worksheet's last row: a truncated sheet would look complete."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("曝光名单"))
    sheet.append(export_header())
    export_row = _RowMaker()
    rows = 0
    for entry in entries:
        rows += 1
        if rows > settings.EXPORT_XLSX_MAX_ROWS:
            raise ExportTooLarge(rows)
        sheet.append(export_row(entry))
    workbook.save(handle)
    return rows


def xlsx_file(entries: Iterable[Entry]) -> Any:
    """A temporary file holding the workbook; the caller streams it out and it is deleted
    when closed."""
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    xlsx_write(handle, entries)
    handle.seek(0)
    return handle
