"""Bulk import of enterprises, run by a real Celery worker on the real Redis and PostgreSQL."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from registry.importing import COLUMNS, progress_get
from registry.models import AuditRecord, Enterprise, EnterpriseImport, Jurisdiction
from tests.factories import EnterpriseFactory, valid_credit_code
from tests.support import wait_until

HEADERS = [header for _key, header in COLUMNS]
CODES = [valid_credit_code(n) for n in (7001, 7002, 7003)]

# The worker's connection must see committed rows (tests/conftest.py puts back the reference
# data a transactional test's flush drops).
pytestmark = pytest.mark.django_db(transaction=True)


def csv_file(rows, name="units.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    upload = io.BytesIO(out.getvalue().encode("utf-8-sig"))
    upload.name = name
    return upload


def xlsx_file(rows, name="units.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = name
    return out


def good_rows(address="惠州市惠城区江北街道8号"):
    return [
        [
            "惠城区导入一厂",
            CODES[0],
            "甲",
            address,
            "江北街道",
            "劳动密集型加工制造",
            "证照齐全",
            "在营",
        ],
        ["惠城区导入二厂", CODES[1].lower(), "", address, "441302", "劳动密集型加工制造", "", ""],
        ["惠城区导入三厂", "", "", address, "惠城区江北街道", "labour_intensive", "无证照", "在营"],
    ]


def wait_for(import_id, timeout=30.0):
    def finished():
        enterprise_import = EnterpriseImport.objects.get(pk=import_id)
        if enterprise_import.status not in ("checking", "applying"):
            return enterprise_import
        return None

    return wait_until(finished, timeout=timeout, what=f"import {import_id} finishing")


def upload(client, file):
    response = client.post(reverse("registry:enterprise-import"), {"file": file})
    assert response.status_code == 302
    return EnterpriseImport.objects.latest("id")


def test_enterprise_import_lists_row_errors_and_writes_nothing(client, people, celery_worker):
    client.force_login(people.inspector_huicheng)
    rows = [
        ["", CODES[0], "", "地址1", "江北街道", "劳动密集型加工制造", "", ""],
        [
            "惠城区错码厂",
            CODES[1][:17] + "0",
            "",
            "地址2",
            "江北街道",
            "劳动密集型加工制造",
            "",
            "",
        ],
        ["惠阳区厂", "", "", "地址3", "441303", "劳动密集型加工制造", "", ""],
        ["未知区划厂", "", "", "地址4", "火星街道", "劳动密集型加工制造", "证照很全", ""],
        ["重复代码一", CODES[2], "", "地址5", "江北街道", "劳动密集型加工制造", "", ""],
        ["重复代码二", CODES[2], "", "地址6", "江北街道", "劳动密集型加工制造", "", ""],
    ]
    enterprise_import = wait_for(upload(client, csv_file(rows)).pk)
    assert enterprise_import.status == "invalid"
    expected_check = f"统一社会信用代码校验位错误：第18位应为“{CODES[1][17]}”，而不是“0”。"
    assert enterprise_import.errors == [
        {"row": 2, "column": "单位名称", "message": "不能为空。"},
        {"row": 3, "column": "统一社会信用代码", "message": expected_check},
        {"row": 4, "column": "所在区划", "message": "“惠阳区”不在您的辖区内。"},
        {
            "row": 5,
            "column": "所在区划",
            "message": "没有叫“火星街道”的区划，请填写县区或乡镇街道的名称或代码。",
        },
        {"row": 5, "column": "证照状态", "message": "应为证照齐全、证照不全、无证照之一。"},
        {"row": 7, "column": "统一社会信用代码", "message": "与第6行的代码重复。"},
    ]
    assert Enterprise.objects.count() == 0
    page = client.get(reverse("registry:enterprise-import-detail", args=[enterprise_import.pk]))
    html = page.content.decode()
    assert "与第6行的代码重复。" in html
    confirm = reverse("registry:enterprise-import-confirm", args=[enterprise_import.pk])
    client.post(confirm)
    assert EnterpriseImport.objects.get(pk=enterprise_import.pk).status == "invalid"
    assert Enterprise.objects.count() == 0


def test_enterprise_import_writes_on_confirm_and_reimport_updates(client, people, celery_worker):
    client.force_login(people.inspector)
    first = wait_for(upload(client, xlsx_file(good_rows())).pk)
    assert first.status == "ready"
    assert Enterprise.objects.count() == 0
    preview = client.get(reverse("registry:enterprise-import-detail", args=[first.pk]))
    assert preview.context["new_count"] == 3
    assert preview.context["update_count"] == 0

    client.post(reverse("registry:enterprise-import-confirm", args=[first.pk]))
    first = wait_for(first.pk)
    assert first.status == "applied"
    assert (first.created_count, first.updated_count) == (3, 0)
    assert sorted(Enterprise.objects.values_list("name", "credit_code", "licence_status")) == [
        ("惠城区导入一厂", CODES[0], "complete"),
        ("惠城区导入三厂", None, "none"),
        ("惠城区导入二厂", CODES[1], "complete"),
    ]
    assert AuditRecord.objects.filter(action="created").count() == 3
    assert progress_get(first.pk) == {"phase": "apply", "done": 3, "total": 3}

    second = wait_for(upload(client, xlsx_file(good_rows(address="新地址9号"))).pk)
    assert second.status == "ready"
    client.post(reverse("registry:enterprise-import-confirm", args=[second.pk]))
    second = wait_for(second.pk)
    assert (second.created_count, second.updated_count) == (0, 3)
    assert Enterprise.objects.count() == 3
    assert set(Enterprise.objects.values_list("address", flat=True)) == {"新地址9号"}
    assert AuditRecord.objects.filter(action="changed").count() == 3


def test_enterprise_import_is_all_or_nothing(client, people, celery_worker):
    client.force_login(people.inspector_huicheng)
    enterprise_import = wait_for(upload(client, csv_file(good_rows())).pk)
    assert enterprise_import.status == "ready"
    # Before the confirmation, the second row's code is registered in 惠阳区 by someone else.
    EnterpriseFactory(credit_code=CODES[1], jurisdiction=Jurisdiction.objects.get(code="441303"))
    client.post(reverse("registry:enterprise-import-confirm", args=[enterprise_import.pk]))
    enterprise_import = wait_for(enterprise_import.pk)
    assert enterprise_import.status == "failed"
    assert enterprise_import.errors == [
        {
            "row": 0,
            "column": "",
            "message": (
                f"第3行：统一社会信用代码 {CODES[1]} 已登记为“惠城区测试五金厂"
                f"{Enterprise.objects.get(credit_code=CODES[1]).name[8:]}”（惠阳区），"
                "请打开该单位修改。 没有导入任何一行。"
            ),
        }
    ]
    assert Enterprise.objects.count() == 1
    # No enterprise was written (the import's own moves are its history).
    assert AuditRecord.objects.exclude(action="moved").count() == 0


def test_enterprise_import_progress_is_reported(client, people, celery_worker):
    client.force_login(people.inspector)
    rows = [
        [f"惠城区批量厂{n}", "", "", "地址", "江北街道", "劳动密集型加工制造", "", ""]
        for n in range(120)
    ]
    enterprise_import = wait_for(upload(client, csv_file(rows)).pk)
    response = client.get(
        reverse("registry:enterprise-import-progress", args=[enterprise_import.pk])
    )
    assert response.json() == {"status": "ready", "phase": "check", "done": 120, "total": 120}


def test_enterprise_import_templates_download(client, people):
    client.force_login(people.inspector)
    as_csv = client.get(reverse("registry:enterprise-import-template", args=["csv"]))
    assert as_csv["Content-Disposition"] == (
        'attachment; filename="enterprise-import-template.csv"'
    )
    header = as_csv.content.decode("utf-8-sig").splitlines()[0]
    assert header == ",".join(HEADERS)
    as_xlsx = client.get(reverse("registry:enterprise-import-template", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert [cell.value for cell in sheet[1]] == HEADERS


def test_enterprise_import_refuses_other_file_types(client, people):
    client.force_login(people.inspector)
    upload_file = io.BytesIO(b"name\n")
    upload_file.name = "units.txt"
    response = client.post(reverse("registry:enterprise-import"), {"file": upload_file})
    assert response.context["form"].errors == {"file": ["请上传 .csv 或 .xlsx 文件。"]}
    assert EnterpriseImport.objects.count() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_enterprise_import_template_uploaded_unchanged_explains_its_example_row(
    client, people, celery_worker, fmt
):
    client.force_login(people.inspector)
    template = client.get(reverse("registry:enterprise-import-template", args=[fmt]))
    file = io.BytesIO(template.content)
    file.name = f"enterprise-import-template.{fmt}"

    enterprise_import = wait_for(upload(client, file).pk)

    assert enterprise_import.status == "invalid"
    assert enterprise_import.errors == [
        {
            "row": 2,
            "column": "单位名称",
            "message": "这是模板的示例行，导入时跳过。文件中没有其他单位：请在示例行下方填写"
            "要导入的单位（示例行可保留或删除），再上传。",
        }
    ]
    assert Enterprise.objects.count() == 0


def test_enterprise_import_skips_the_templates_example_row_above_real_rows(
    client, people, celery_worker
):
    client.force_login(people.inspector)
    template = client.get(reverse("registry:enterprise-import-template", args=["csv"]))
    filled = template.content.decode("utf-8-sig") + "\r\n".join(
        ",".join(row) for row in good_rows()[2:]
    )
    file = io.BytesIO(filled.encode("utf-8-sig"))
    file.name = "units.csv"

    enterprise_import = wait_for(upload(client, file).pk)

    assert enterprise_import.status == "ready"
    assert enterprise_import.errors == []
    assert [(row.row, row.fields["name"]) for row in enterprise_import.checked_rows.all()] == [
        (3, "惠城区导入三厂")
    ]
