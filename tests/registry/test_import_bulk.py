"""The bulk import's check and apply steps, called as their jobs call them: queries that do not
grow with the rows, and chunks that behave as one-by-one writes."""

import csv
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import translation

from registry.data import EnterpriseData
from registry.importing import (
    COLUMNS,
    enterprise_import_apply,
    enterprise_import_check,
    enterprise_import_confirm,
)
from registry.models import AuditRecord, Enterprise, EnterpriseImport, Jurisdiction
from registry.search import enterprise_search
from registry.services import (
    EnterpriseWrite,
    EnterpriseWriteRefused,
    enterprise_create,
    enterprise_update,
    enterprises_write_many,
)
from tests.factories import EnterpriseFactory, valid_credit_code

pytestmark = pytest.mark.django_db

PLACE = "441302002"


def import_of(user, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([header for _key, header in COLUMNS])
    writer.writerows(rows)
    return EnterpriseImport.objects.create(
        uploaded_by=user,
        file=ContentFile(out.getvalue().encode("utf-8-sig"), name="units.csv"),
        original_name="units.csv",
    )


def row(name, code="", address="惠州市惠城区导入路1号"):
    return [name, code, "", address, PLACE, "劳动密集型加工制造", "", ""]


def mixed_rows(n):
    """``n`` rows, a quarter of each kind: an update by code, an update by name and place (no
    code), a new unit with a code, a new unit without."""
    rows = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            code = valid_credit_code(8000 + i)
            EnterpriseFactory(name=f"按代码更新{i}", credit_code=code)
            rows.append(row(f"按代码更新{i}", code, address="新地址"))
        elif kind == 1:
            EnterpriseFactory(name=f"按名称更新{i}", credit_code=None)
            rows.append(row(f"按名称更新{i}", address="新地址"))
        elif kind == 2:
            rows.append(row(f"新增有代码{i}", valid_credit_code(8000 + i)))
        else:
            rows.append(row(f"新增无代码{i}"))
    return rows


@pytest.mark.parametrize("n", [10, 100])
def test_enterprise_import_queries_do_not_grow_with_rows(people, n, django_assert_num_queries):
    enterprise_import = import_of(people.inspector, mixed_rows(n))
    # The content types are cached per process once read; read them before counting.
    ContentType.objects.get_for_models(Enterprise, EnterpriseImport)

    # The import and its uploader, the staff profile, the reference data (3), the units
    # matched by code and by name and place, one INSERT of the checked rows, the move with its
    # history row (lock, update, insert) and the transaction's savepoint (2).
    with django_assert_num_queries(13):
        checked = enterprise_import_check(import_id=enterprise_import.pk)
    assert checked is not None
    assert (checked.status, checked.errors) == ("ready", [])
    enterprise_import_confirm(actor=people.inspector, enterprise_import=checked)

    # The import locked with its uploader, the staff profile, the reference data (2), the
    # number of checked rows, then for the chunk: its checked rows, the units locked, the
    # holders of the codes, one INSERT, one UPDATE, one INSERT of audit rows (in a savepoint);
    # the move with its history row, and the transaction's savepoint (2).
    with django_assert_num_queries(17):
        applied = enterprise_import_apply(import_id=enterprise_import.pk)
    assert applied is not None
    updates = sum(1 for i in range(n) if i % 4 < 2)
    assert (applied.status, applied.created_count, applied.updated_count) == (
        "applied",
        n - updates,
        updates,
    )
    assert AuditRecord.objects.filter(action="created").count() == n - updates
    assert AuditRecord.objects.filter(action="changed").count() == updates
    assert Enterprise.objects.filter(address="新地址").count() == updates


def test_enterprise_import_apply_in_chunks_writes_as_one_by_one(settings, people):
    settings.ENTERPRISE_IMPORT_CHUNK_ROWS = 2
    unit = EnterpriseFactory(name="惠城区无证小作坊", credit_code=None, address="原地址")
    code = valid_credit_code(8101)
    rows = [
        row("惠城区分块新厂", code),
        row("惠城区无证小作坊", address="地址一"),  # chunk 1
        row("惠城区无证小作坊", address="地址二"),  # chunk 2: the same unit again
        row("惠城区无证小作坊", address="地址三"),  # twice in one chunk
        row("惠城区分块无证新厂"),
    ]
    enterprise_import = enterprise_import_check(import_id=import_of(people.inspector, rows).pk)
    assert enterprise_import is not None
    assert [row.existing_id for row in enterprise_import.checked_rows.all()] == [
        None,
        unit.pk,
        unit.pk,
        unit.pk,
        None,
    ]
    enterprise_import_confirm(actor=people.inspector, enterprise_import=enterprise_import)

    applied = enterprise_import_apply(import_id=enterprise_import.pk)

    assert applied is not None
    assert (applied.status, applied.created_count, applied.updated_count) == ("applied", 2, 3)
    unit.refresh_from_db()
    assert unit.address == "地址三"
    assert [
        record.changes["address"]["old"] + "→" + record.changes["address"]["new"]
        for record in AuditRecord.objects.filter(action="changed", object_id=unit.pk).order_by("id")
    ] == ["原地址→地址一", "地址一→地址二", "地址二→地址三"]
    assert sorted(Enterprise.objects.values_list("name", "credit_code")) == [
        ("惠城区分块新厂", code),
        ("惠城区分块无证新厂", None),
        ("惠城区无证小作坊", None),
    ]
    # The search columns (generated by the database) are filled for the bulk-written units.
    assert sorted(
        enterprise_search(Enterprise.objects.all(), "分块").values_list("name", flat=True)
    ) == ["惠城区分块新厂", "惠城区分块无证新厂"]


def test_enterprise_import_refused_in_a_later_chunk_writes_nothing(settings, people):
    settings.ENTERPRISE_IMPORT_CHUNK_ROWS = 2
    codes = [valid_credit_code(n) for n in (8201, 8202, 8203, 8204)]
    rows = [row(f"惠城区分块厂{i}", code) for i, code in enumerate(codes)]
    enterprise_import = enterprise_import_check(import_id=import_of(people.inspector, rows).pk)
    assert enterprise_import is not None
    enterprise_import_confirm(actor=people.inspector, enterprise_import=enterprise_import)
    # Before the job runs, the fourth row's code (chunk 2) is registered elsewhere.
    other = EnterpriseFactory(
        credit_code=codes[3], jurisdiction=Jurisdiction.objects.get(code="441303")
    )

    applied = enterprise_import_apply(import_id=enterprise_import.pk)

    assert applied is not None
    assert applied.status == "failed"
    assert applied.errors == [
        {
            "row": 0,
            "column": "",
            "message": f"第5行：统一社会信用代码 {codes[3]} 已登记为“{other.name}”（惠阳区），"
            "请打开该单位修改。 没有导入任何一行。",
        }
    ]
    assert list(Enterprise.objects.values_list("pk", flat=True)) == [other.pk]
    assert AuditRecord.objects.exclude(action="moved").count() == 0


def test_enterprises_write_many_refuses_a_code_given_twice(people):
    place = Jurisdiction.objects.get(code=PLACE)
    industry = EnterpriseFactory.build().industry
    code = valid_credit_code(8301)

    def data(name):
        return EnterpriseData(
            name=name,
            credit_code=code,
            legal_representative="",
            address="地址",
            jurisdiction=place,
            industry=industry,
            licence_status="complete",
            operating_status="operating",
        )

    with pytest.raises(EnterpriseWriteRefused) as refused:
        enterprises_write_many(
            actor=people.inspector,
            writes=[
                EnterpriseWrite(data=data("惠城区甲厂"), enterprise_id=None),
                EnterpriseWrite(data=data("惠城区乙厂"), enterprise_id=None),
            ],
        )
    assert refused.value.index == 1
    assert str(refused.value) == (
        f"统一社会信用代码 {code} 已登记为“惠城区甲厂”（江北街道），请打开该单位修改。"
    )
    assert Enterprise.objects.count() == 0


def test_enterprises_write_many_audits_as_one_by_one(people):
    # The bulk write's history rows (its snapshots read labels once a call, its rows are sent
    # in one INSERT) hold what enterprise_create and enterprise_update write, in the site's
    # language whatever the actor's.
    place = Jurisdiction.objects.get(code=PLACE)
    other_place = Jurisdiction.objects.get(code="441303")
    industry = EnterpriseFactory.build().industry

    def data(name, code, *, where=place, licence="complete", legal=""):
        return EnterpriseData(
            name=name,
            credit_code=code,
            legal_representative=legal,
            address="地址",
            jurisdiction=where,
            industry=industry,
            licence_status=licence,
            operating_status="suspended",
        )

    def changes(unit, action):
        record = AuditRecord.objects.get(
            content_type=ContentType.objects.get_for_model(Enterprise),
            object_id=unit.pk,
            action=action,
        )
        return {name: change for name, change in record.changes.items() if name != "credit_code"}

    codes = [valid_credit_code(n) for n in (8401, 8402, 8403, 8404)]
    with translation.override("en"):
        one = enterprise_create(actor=people.inspector, data=data("惠城区审计厂", codes[0]))
        enterprises_write_many(
            actor=people.inspector,
            writes=[EnterpriseWrite(data=data("惠城区审计厂", codes[1]), enterprise_id=None)],
        )
        many = Enterprise.objects.get(credit_code=codes[1])
        assert changes(many, "created") == changes(one, "created")
        assert changes(one, "created")["licence_status"]["new"] == "证照齐全"

        moved = {"where": other_place, "licence": "none", "legal": "李四"}
        enterprise_update(
            actor=people.inspector, enterprise=one, data=data("惠阳区审计厂", codes[2], **moved)
        )
        enterprises_write_many(
            actor=people.inspector,
            writes=[
                EnterpriseWrite(data=data("惠阳区审计厂", codes[3], **moved), enterprise_id=many.pk)
            ],
        )
    assert changes(many, "changed") == changes(one, "changed")
    assert changes(one, "changed")["jurisdiction"] == {
        "label": "所在区划",
        "old": "江北街道",
        "new": "惠阳区",
    }
    many.refresh_from_db()
    assert (many.name, many.jurisdiction_id, many.legal_representative) == (
        "惠阳区审计厂",
        other_place.pk,
        "李四",
    )
    assert sorted(
        enterprise_search(Enterprise.objects.all(), "阳区审计").values_list("pk", flat=True)
    ) == sorted([one.pk, many.pk])
