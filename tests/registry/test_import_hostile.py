"""Hostile import files: an XLSX is a zip archive, and a few hundred KB of it can inflate to
hundreds of MB of sheet XML. The import reads the archive's directory and refuses such a file
before openpyxl inflates a byte of it."""

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from registry.importing import COLUMNS, FileUnreadable, check_file, read_rows
from registry.importing.files import xlsx_archive_check
from registry.models import Enterprise, EnterpriseImport
from tests.factories import UserFactory
from tests.registry.test_import import wait_for

HEADERS = [header for _key, header in COLUMNS]
MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
ROW = (
    '<row><c t="inlineStr"><is><t>惠州市某某五金制品有限公司</t></is></c>'
    '<c t="inlineStr"><is><t>惠州市惠城区江北街道示例路1号</t></is></c></row>'
).encode()


def workbook_bytes(rows=()) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def bomb_xlsx(*, inflated_bytes: int, extra_parts: int = 0) -> bytes:
    """A valid XLSX (the template's header, then the same row over and over) whose sheet
    inflates to ``inflated_bytes``: written a MB at a time, so building it costs a second,
    not the memory of the sheet. Without the dimension element openpyxl reads every row."""
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes()))
    out = io.BytesIO()
    chunk = ROW * (MB // len(ROW))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename != SHEET:
                archive.writestr(info.filename, data)
                continue
            head, tail = data.split(b"</sheetData>")
            head = head.replace(b'<dimension ref="A1:H1" />', b"")
            with archive.open(SHEET, "w", force_zip64=True) as sheet:
                sheet.write(head)
                written = 0
                while written < inflated_bytes:
                    sheet.write(chunk)
                    written += len(chunk)
                sheet.write(b"</sheetData>" + tail)
        for n in range(extra_parts):
            archive.writestr(f"customXml/item{n}.xml", b"<x/>")
    return out.getvalue()


def test_xlsx_zip_bomb_is_refused_from_its_directory_before_reading(db):
    content = bomb_xlsx(inflated_bytes=200 * MB)
    assert len(content) < 2 * MB  # a small upload, far below the 20 MB cap

    cleaned, errors = check_file(
        name="units.xlsx",
        content=content,
        user=UserFactory(),
        progress=lambda done, total: None,
    )

    # The size check's message, not the row cap's nor a row's: nothing was read.
    assert cleaned == []
    assert len(errors) == 1
    assert errors[0]["row"] == 0
    assert errors[0]["message"].startswith("这个 Excel 文件解压后有201 MB（压缩比")
    assert errors[0]["message"].endswith(
        "超过上限（256 MB，100倍），未读取。请删去多余的内容，或另存为 CSV 文件后再上传。"
    )


def test_xlsx_zip_bomb_refusal_raises_before_the_first_row():
    # The reader raises on its first step: openpyxl never opened the sheet.
    rows = read_rows("units.xlsx", bomb_xlsx(inflated_bytes=20 * MB))
    with pytest.raises(FileUnreadable, match="压缩比"):
        next(rows)


def test_xlsx_too_large_once_inflated_is_refused(settings):
    settings.ENTERPRISE_IMPORT_XLSX_MAX_INFLATED_BYTES = 1 * MB
    # Real rows at a real ratio, only more of them than the cap allows.
    content = workbook_bytes(
        [f"惠州市第{n}五金厂", "", "", f"惠州市惠城区{n}号", "江北街道", "", "", ""]
        for n in range(20_000)
    )

    with pytest.raises(FileUnreadable, match=r"超过上限（1 MB，100倍）"):
        xlsx_archive_check(content)


def test_xlsx_with_too_many_parts_is_refused(settings):
    settings.ENTERPRISE_IMPORT_XLSX_MAX_PARTS = 50

    with pytest.raises(FileUnreadable, match="由59个部件组成（上限50个）"):
        xlsx_archive_check(bomb_xlsx(inflated_bytes=0, extra_parts=50))


def test_xlsx_not_a_zip_is_unreadable():
    with pytest.raises(FileUnreadable, match="请确认它是 .xlsx 格式"):
        xlsx_archive_check(b"PK\x03\x04 not really a zip")


def test_ordinary_xlsx_passes_the_archive_check():
    content = workbook_bytes(
        [f"惠州市第{n}五金厂", "", "", f"惠州市惠城区{n}号", "江北街道", "", "", ""]
        for n in range(2_000)
    )

    xlsx_archive_check(content)
    assert len(list(read_rows("units.xlsx", content))) == 2_001


@pytest.mark.django_db(transaction=True)
def test_xlsx_zip_bomb_uploaded_is_refused_by_the_check_job(client, people, celery_worker):
    client.force_login(people.inspector_huicheng)
    bomb = io.BytesIO(bomb_xlsx(inflated_bytes=200 * MB))
    bomb.name = "units.xlsx"

    response = client.post(reverse("registry:enterprise-import"), {"file": bomb})

    assert response.status_code == 302
    enterprise_import = wait_for(EnterpriseImport.objects.latest("id").pk)
    assert enterprise_import.status == "invalid"
    [error] = enterprise_import.errors
    assert error["message"].startswith("这个 Excel 文件解压后有201 MB（压缩比")
    assert Enterprise.objects.count() == 0


def test_xlsx_with_a_directory_zipfile_cannot_read_is_unreadable():
    content = bytearray(workbook_bytes())
    # The first central directory entry's "version needed to extract": a zip version of the
    # future, which zipfile refuses with NotImplementedError.
    directory = content.index(b"PK\x01\x02")
    content[directory + 6] = 0xFF

    with pytest.raises(FileUnreadable, match="请确认它是 .xlsx 格式"):
        xlsx_archive_check(bytes(content))


@pytest.mark.parametrize(
    ("offset", "value"),
    [
        (10, 9),  # the sheet compressed with Deflate64, which zipfile cannot inflate
        (8, 0x1),  # encrypted
    ],
)
def test_xlsx_part_zipfile_cannot_inflate_is_unreadable_before_reading(offset, value):
    content = bytearray(workbook_bytes())
    # The sheet's entry in the central directory (the directory is what zipfile reads).
    header = content.index(b"PK\x01\x02")
    while not content[header + 46 :].startswith(SHEET.encode()):
        header = content.index(b"PK\x01\x02", header + 4)
    content[header + offset] = value

    with pytest.raises(FileUnreadable, match="请确认它是 .xlsx 格式"):
        next(read_rows("units.xlsx", bytes(content)))
