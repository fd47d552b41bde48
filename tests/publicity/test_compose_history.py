"""Composing a draft leaves its history (issue 11): each entry added, edited, reordered or taken
out is a history row of the batch with the old and new values, shown on the batch page."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from publicity.models import Batch, Entry
from publicity.services import batch_create, entry_add, entry_move, entry_remove, entry_update
from registry.models import AuditRecord, Department
from tests.factories import EnterpriseFactory, FindingFactory, InspectionFactory, staff_user

pytestmark = pytest.mark.django_db


def batch_records(batch):
    return list(
        AuditRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(Batch), object_id=batch.pk
        ).order_by("id")
    )


def finding_of(name, description="消防通道堵塞"):
    enterprise = EnterpriseFactory(name=name, address="江北街道1号")
    return FindingFactory(
        inspection=InspectionFactory(enterprise=enterprise), description=description
    )


def test_entry_add_update_move_remove_each_write_a_batch_history_row():
    composer = staff_user("insp", "inspector")
    batch = batch_create(composer=composer)
    housing = Department.objects.get(code="city_housing")
    first, second = entry_add(
        batch=batch, findings=[finding_of("甲厂"), finding_of("乙厂")], actor=composer
    ).created
    Entry.objects.filter(pk=first.pk).update(department=housing)

    entry_update(
        entry=Entry.objects.get(pk=first.pk),
        actor=composer,
        unit_name="甲厂（更名）",
        address="江北街道1号",
        violation_text="消防通道堵塞",
        category=first.category,
        disposition=first.disposition,
        rectification_deadline=datetime.date(2009, 6, 1),
        department=housing,
        responsible_person="王五",
    )
    entry_move(entry=Entry.objects.get(pk=second.pk), up=True, actor=composer)
    entry_remove(entry=Entry.objects.get(pk=first.pk), actor=composer)

    added_first, added_second, edited, moved, removed = batch_records(batch)
    assert {r.move for r in (added_first, added_second, edited, moved, removed)} == {"edit"}
    assert {r.actor for r in (added_first, added_second, edited, moved, removed)} == {composer}
    assert added_first.comment == "加入条目：第1号“甲厂”"
    assert added_first.changes["unit_name"] == {"label": "单位名称", "old": "", "new": "甲厂"}
    assert added_first.changes["violation_text"] == {
        "label": "违法违规行为及事故隐患",
        "old": "",
        "new": "消防通道堵塞",
    }
    assert "responsible_person" not in added_first.changes  # empty before and after
    assert added_second.comment == "加入条目：第2号“乙厂”"
    assert edited.comment == "修改条目：第1号“甲厂（更名）”"
    assert edited.changes == {
        "unit_name": {"label": "单位名称", "old": "甲厂", "new": "甲厂（更名）"},
        "rectification_deadline": {
            "label": "整改期限",
            "old": "2009-04-30",
            "new": "2009-06-01",
        },
        "responsible_person": {"label": "责任人", "old": "", "new": "王五"},
    }
    assert moved.comment == "调整顺序：“乙厂”"
    assert moved.changes == {"position": {"label": "排列顺序", "old": "2", "new": "1"}}
    assert removed.comment == "移出条目：第2号“甲厂（更名）”"
    assert removed.changes["unit_name"] == {"label": "单位名称", "old": "甲厂（更名）", "new": ""}
    assert removed.changes["responsible_person"] == {"label": "责任人", "old": "王五", "new": ""}


def test_entry_add_of_a_units_second_finding_records_the_text_before_and_after():
    composer = staff_user("insp", "inspector")
    batch = batch_create(composer=composer)
    first = finding_of("甲厂")
    second = FindingFactory(inspection=InspectionFactory(enterprise=first.inspection.enterprise))
    second.description = "仓库与宿舍同一建筑"
    second.save(update_fields=["description"])
    entry_add(batch=batch, findings=[first], actor=composer)

    entry_add(batch=batch, findings=[second], actor=composer)

    attached = batch_records(batch)[-1]
    assert attached.comment == "并入同一单位的检查发现：第1号“甲厂”"
    assert attached.changes == {
        "violation_text": {
            "label": "违法违规行为及事故隐患",
            "old": "消防通道堵塞",
            "new": "消防通道堵塞\n仓库与宿舍同一建筑",
        }
    }


def test_batch_page_shows_the_compose_history_with_old_and_new_values(client):
    composer = staff_user("insp", "inspector")
    batch = batch_create(composer=composer)
    [entry] = entry_add(batch=batch, findings=[finding_of("甲厂")], actor=composer).created
    entry_update(
        entry=entry,
        actor=composer,
        unit_name="甲厂",
        address="江北街道1号",
        violation_text="消防通道堵塞，安全出口上锁",
        category=entry.category,
        disposition=entry.disposition,
        rectification_deadline=entry.rectification_deadline,
        department=entry.department,
        responsible_person="王五",
    )
    client.force_login(staff_user("off", "official"))

    html = client.get(reverse("publicity:batch-detail", args=[batch.pk])).content.decode()

    assert "条目编辑记录" in html
    assert "加入条目：第1号“甲厂”" in html
    assert "修改条目：第1号“甲厂”" in html
    assert "<del>消防通道堵塞</del> → <ins>消防通道堵塞，安全出口上锁</ins>" in html


def test_entry_edit_page_records_the_entry_as_it_was_and_as_it_became(client):
    """Through the page, as the composer edits: the form's validation must not write the new
    values on the entry before the service reads what it was (the record would then show no
    change), and a deadline typed on a rest day moves as it does through the service."""
    composer = staff_user("insp", "inspector")
    batch = batch_create(composer=composer)
    [entry] = entry_add(batch=batch, findings=[finding_of("甲厂")], actor=composer).created
    housing = Department.objects.get(code="city_housing")
    client.force_login(composer)

    response = client.post(
        reverse("publicity:entry-edit", args=[entry.pk]),
        {
            "unit_name": "甲厂（更名）",
            "address": "江北街道1号",
            "violation_text": "消防通道堵塞，安全出口上锁",
            "category": "major_hazard",
            "disposition": "work_stopped",
            "rectification_deadline": "2009-06-06",  # a Saturday
            "department": str(housing.pk),
            "responsible_person": "王五",
            "responsible_phone": "",
            "responsible_email": "",
        },
    )

    assert response.status_code == 302
    edited = batch_records(batch)[-1]
    assert edited.actor == composer
    assert edited.comment == "修改条目：第1号“甲厂（更名）”"
    assert edited.changes == {
        "unit_name": {"label": "单位名称", "old": "甲厂", "new": "甲厂（更名）"},
        "violation_text": {
            "label": "违法违规行为及事故隐患",
            "old": "消防通道堵塞",
            "new": "消防通道堵塞，安全出口上锁",
        },
        "disposition": {"label": "处理措施", "old": "限期整改", "new": "停工整改"},
        "rectification_deadline": {"label": "整改期限", "old": "2009-04-30", "new": "2009-06-08"},
        "department": {
            "label": "跟踪整改责任单位",
            "old": "惠城区安全生产监督管理局",
            "new": "市住房和城乡建设局",
        },
        "responsible_person": {"label": "责任人", "old": "", "new": "王五"},
    }
    entry.refresh_from_db()
    assert (entry.rectification_deadline, entry.rectification_deadline_moved_from) == (
        datetime.date(2009, 6, 8),
        datetime.date(2009, 6, 6),
    )


def test_entry_edit_page_refused_still_names_the_entry_as_stored(client):
    composer = staff_user("insp", "inspector")
    batch = batch_create(composer=composer)
    [entry] = entry_add(batch=batch, findings=[finding_of("甲厂")], actor=composer).created
    client.force_login(composer)

    response = client.post(
        reverse("publicity:entry-edit", args=[entry.pk]),
        {
            "unit_name": "甲厂（更名）",
            "address": "江北街道1号",
            "violation_text": "消防通道堵塞",
            "category": "major_hazard",
            "disposition": "rectify_by_deadline",
            "rectification_deadline": "2009-04-30",
            "department": str(entry.department_id),
            "responsible_person": "",  # required: the form is refused
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>编辑 甲厂</h1>" in html
    assert Entry.objects.get(pk=entry.pk).unit_name == "甲厂"
    assert [r.comment for r in batch_records(batch)] == ["加入条目：第1号“甲厂”"]


def test_entry_update_records_the_entry_as_stored_not_as_the_caller_holds_it():
    composer = staff_user("insp", "inspector")
    batch = batch_create(composer=composer)
    [entry] = entry_add(batch=batch, findings=[finding_of("甲厂")], actor=composer).created
    entry.unit_name = "甲厂（更名）"  # changed in memory only, as a bound model form does

    saved = entry_update(
        entry=entry,
        actor=composer,
        unit_name="甲厂（更名）",
        address=entry.address,
        violation_text=entry.violation_text,
        category=entry.category,
        disposition=entry.disposition,
        rectification_deadline=entry.rectification_deadline,
        department=entry.department,
        responsible_person="王五",
    )

    assert saved.unit_name == "甲厂（更名）"
    assert batch_records(batch)[-1].changes == {
        "unit_name": {"label": "单位名称", "old": "甲厂", "new": "甲厂（更名）"},
        "responsible_person": {"label": "责任人", "old": "", "new": "王五"},
    }
