"""The import's files: the template's columns, reading CSV and XLSX, the templates."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Generator, Iterator

from django.conf import settings
from django.utils.translation import gettext as _

# The template's columns, in order: (key, header). Headers are the Chinese field names the
# bureau's clerks know; the same headers are expected back.
COLUMNS: list[tuple[str, str]] = [
    ("name", "单位名称"),
    ("credit_code", "统一社会信用代码"),
    ("legal_representative", "法定代表人"),
    ("address", "地址"),
    ("jurisdiction", "所在区划"),
    ("industry", "行业"),
    ("licence_status", "证照状态"),
    ("operating_status", "经营状态"),
]
REQUIRED = {"name", "address", "jurisdiction", "industry"}
HEADER_TO_KEY = {header: key for key, header in COLUMNS}
HEADER_OF = dict(COLUMNS)
# The templates' example row shows a filled-in unit, every value valid against the reference
# data; its name carries this mark, and a row whose name starts with it is skipped, so the
# template uploaded as downloaded writes no made-up unit into the register.
EXAMPLE_MARK = "【示例，导入时跳过】"
EXAMPLE_ROW = [
    f"{EXAMPLE_MARK}惠州市示例五金制品有限公司",
    "91441302MA0000001X",
    "张三",
    "惠州市惠城区江北街道示例路1号",
    "江北街道",
    "劳动密集型加工制造",
    "证照齐全",
    "在营",
]
# --- Reading files -------------------------------------------------------------------------


class FileUnreadable(Exception):
    pass


def read_rows(name: str, content: bytes) -> Generator[list[str], None, None]:
    """The rows of a CSV (UTF-8, with or without BOM; GB18030 as exported by older Excel) or
    XLSX file, each as a list of strings."""
    if name.lower().endswith(".xlsx"):
        yield from _xlsx_rows(content)
        return
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileUnreadable(
            _("文件不是 UTF-8 或 GB18030 编码的 CSV，请另存为“CSV UTF-8”后再上传。")
        )
    if "\x00" in text:
        # No text in the database may hold NUL; in a CSV it comes from another encoding
        # (UTF-16, "Unicode text" in Excel) read as GB18030.
        raise FileUnreadable(
            _("文件不是 UTF-8 或 GB18030 编码的 CSV，请另存为“CSV UTF-8”后再上传。")
        )
    # newline="": the csv module splits records itself, on \r, \n or \r\n as a spreadsheet
    # may write them, and keeps line breaks inside quoted cells.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as error:  # a quote never closed runs on past the field size limit
        raise FileUnreadable(
            _("无法读取这个 CSV 文件（第%(line)d行附近）：请检查引号是否成对。")
            % {"line": reader.line_num}
        ) from error


# The compression methods zipfile can inflate (spreadsheet programs write deflate).
READABLE_COMPRESSION = {
    zipfile.ZIP_STORED,
    zipfile.ZIP_DEFLATED,
    zipfile.ZIP_BZIP2,
    zipfile.ZIP_LZMA,
}
# Below this many bytes a part is not worth checking for its compression ratio: a small
# styles or theme part may compress very well and costs nothing to read.
RATIO_FLOOR_BYTES = 1024 * 1024


def xlsx_archive_check(content: bytes) -> None:
    """Refuse an XLSX whose archive would cost more to read than any import file needs.

    An XLSX is a zip archive: a few MB uploaded can inflate to gigabytes of sheet XML (a zip
    bomb), which openpyxl would parse to the end. The archive's directory says, before a
    byte is inflated, how many parts it holds and how large each one is once inflated: too
    many parts, too many bytes in all, or a part compressed far beyond what a spreadsheet
    compresses to (about 16 : 1 for 100,000 real rows) is refused unread.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        # A directory naming a compression or encryption zipfile does not know; a name
        # that does not decode.
        NotImplementedError,
        ValueError,
        EOFError,
        OSError,
    ) as error:
        raise FileUnreadable(_("无法读取这个 Excel 文件，请确认它是 .xlsx 格式。")) from error
    if any(
        part.compress_type not in READABLE_COMPRESSION or part.flag_bits & 0x1  # encrypted
        for part in parts
    ):
        # Said now rather than halfway through the rows, where reading the part would fail.
        raise FileUnreadable(_("无法读取这个 Excel 文件，请确认它是 .xlsx 格式。"))
    if len(parts) > settings.ENTERPRISE_IMPORT_XLSX_MAX_PARTS:
        raise FileUnreadable(
            _(
                "这个 Excel 文件由%(n)d个部件组成（上限%(limit)d个），不像是一张普通的表格，"
                "未读取。请另存为新的 .xlsx 或 CSV 文件后再上传。"
            )
            % {"n": len(parts), "limit": settings.ENTERPRISE_IMPORT_XLSX_MAX_PARTS}
        )
    inflated = sum(part.file_size for part in parts)
    worst = max(
        (
            part.file_size / max(part.compress_size, 1)
            for part in parts
            if part.file_size >= RATIO_FLOOR_BYTES
        ),
        default=0.0,
    )
    limit = settings.ENTERPRISE_IMPORT_XLSX_MAX_INFLATED_BYTES
    max_ratio = settings.ENTERPRISE_IMPORT_XLSX_MAX_RATIO
    if inflated > limit or worst > max_ratio:
        raise FileUnreadable(
            _(
                "这个 Excel 文件解压后有%(size)d MB（压缩比%(ratio)d倍），超过上限"
                "（%(limit)d MB，%(max_ratio)d倍），未读取。请删去多余的内容，"
                "或另存为 CSV 文件后再上传。"
            )
            % {
                "size": -(-inflated // (1024 * 1024)),
                "ratio": round(worst),
                "limit": limit // (1024 * 1024),
                "max_ratio": max_ratio,
            }
        )


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    # Before openpyxl inflates anything.
    xlsx_archive_check(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise FileUnreadable(_("无法读取这个 Excel 文件，请确认它是 .xlsx 格式。")) from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield ["" if value is None else str(value).strip() for value in values]
    finally:
        # Also when the reader stops early (a wrong header, too many rows).
        workbook.close()


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _key, header in COLUMNS])
    writer.writerow(EXAMPLE_ROW)
    # UTF-8 with BOM so Excel opens the Chinese headers correctly.
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has its first sheet
    sheet.title = "生产经营单位"
    sheet.append([header for _key, header in COLUMNS])
    sheet.append(EXAMPLE_ROW)
    for letter, width in zip("ABCDEFGH", (32, 22, 12, 40, 14, 14, 10, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Rows between two progress reports to the page.
PROGRESS_EVERY = 50
