"""The batch workflow's services: moves, four eyes, numbering, objections, publication, errata."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from core.calendar import add_working_days
from publicity.enums import BatchStatus, EntryStatus, ErratumKind, ErratumStatus, ObjectionDecision
from publicity.models import Batch, BatchTransition, Entry, PublicationJob
from publicity.services import (
    PublicationError,
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_reopen,
    batch_return,
    batch_submit,
    entry_add,
    entry_move,
    entry_remove,
    entry_update,
    erratum_create,
    erratum_decide,
    media_report_create,
    objection_decide,
    objection_record,
)
from publicity.services.batches import notice_period_end
from rectification.enums import CaseGoal, CaseStatus
from registry.enums import Disposition
from registry.models import Authority, Department
from tests.factories import FindingFactory, publication_staff

pytestmark = pytest.mark.django_db


def composed_batch(composer, count=2, **finding_kwargs):
    batch = batch_create(composer=composer)
    findings = [FindingFactory(**finding_kwargs) for _ in range(count)]
    entries = entry_add(batch=batch, findings=findings, actor=batch.composed_by).created
    for entry in entries:
        entry.responsible_person = "王五"
        entry.save(update_fields=["responsible_person"])
    return batch


def approved_batch(composer, official, count=2):
    batch = composed_batch(composer, count)
    batch_submit(batch=batch, actor=composer)
    return batch_approve(batch=batch, actor=official)


def test_entry_add_prefills_printed_text_from_the_finding():
    composer = publication_staff()
    batch = batch_create(composer=composer)
    finding = FindingFactory(
        description="仓库与宿舍同一建筑", proposed_disposition=Disposition.SUSPENDED
    )

    [entry] = entry_add(batch=batch, findings=[finding], actor=batch.composed_by).created

    enterprise = finding.inspection.enterprise
    assert entry.position == 1
    assert entry.unit_name == enterprise.name
    assert entry.address == enterprise.address
    assert entry.violation_text == "仓库与宿舍同一建筑"
    assert entry.disposition == Disposition.SUSPENDED
    assert entry.rectification_deadline == datetime.date(2009, 4, 30)
    assert entry.district.code == "441302"
    assert entry.responsible_person == ""


def test_entry_add_keeps_the_credit_code_as_composed():
    composer = publication_staff()
    batch = batch_create(composer=composer)
    licensed = FindingFactory(inspection__enterprise__credit_code="91441302MA0000042A")
    unlicensed = FindingFactory(inspection__enterprise__credit_code=None)

    entries = entry_add(batch=batch, findings=[licensed, unlicensed], actor=composer).created
    enterprise = licensed.inspection.enterprise
    enterprise.credit_code = None
    enterprise.save(update_fields=["credit_code"])

    assert [Entry.objects.get(pk=e.pk).credit_code for e in entries] == [
        "91441302MA0000042A",
        "",
    ]


def test_entry_add_refuses_a_finding_not_proposed_for_publicity():
    batch = batch_create(composer=publication_staff())
    with pytest.raises(PublicationError, match="未建议公示曝光"):
        entry_add(
            batch=batch,
            findings=[FindingFactory(proposed_for_publicity=False)],
            actor=batch.composed_by,
        )


def test_entry_update_and_reorder_and_remove_keep_positions_contiguous():
    composer = publication_staff()
    batch = composed_batch(composer, count=3)
    first, second, third = batch.entries.order_by("position")

    entry_move(entry=third, up=True, actor=composer)
    assert list(batch.entries.order_by("position").values_list("pk", flat=True)) == [
        first.pk,
        third.pk,
        second.pk,
    ]
    entry_remove(entry=Entry.objects.get(pk=first.pk), actor=composer)
    assert list(batch.entries.order_by("position").values_list("pk", "position")) == [
        (third.pk, 1),
        (second.pk, 2),
    ]
    entry_update(
        entry=Entry.objects.get(pk=second.pk),
        actor=composer,
        unit_name=" 新名称 ",
        address="新地址",
        violation_text="新描述",
        category="illegal_operation",
        disposition="banned",
        rectification_deadline=datetime.date(2009, 6, 1),
        department=Department.objects.get(code="city_housing"),
        responsible_person="赵六",
    )
    assert Entry.objects.get(pk=second.pk).unit_name == "新名称"


def test_batch_submit_refuses_entries_without_responsible_person():
    composer = publication_staff()
    batch = batch_create(composer=composer)
    finding = FindingFactory()
    entry_add(batch=batch, findings=[finding], actor=batch.composed_by)
    with pytest.raises(PublicationError, match=finding.inspection.enterprise.name):
        batch_submit(batch=batch, actor=composer)
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.DRAFT


def test_batch_approve_refuses_composer():
    composer = publication_staff()
    batch = composed_batch(composer)
    batch_submit(batch=batch, actor=composer)
    with pytest.raises(PublicationError, match="双人审核"):
        batch_approve(batch=batch, actor=composer)
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.SUBMITTED


def test_batch_approve_numbers_per_year_and_records_history():
    composer, official = publication_staff(), publication_staff()
    first = approved_batch(composer, official)
    second = approved_batch(composer, official)
    year = timezone.localdate().year

    assert (first.year, first.number, second.year, second.number) == (year, 1, year, 2)
    assert second.label == f"{year}年第2批"
    # Five working days on the official calendar (see test_notice_period_counts_working_days).
    assert second.notice_period_ends == add_working_days(timezone.localdate(), 5).day
    assert list(
        BatchTransition.objects.filter(batch=second).values_list("from_status", "to_status", "by")
    ) == [("draft", "submitted", composer.pk), ("submitted", "approved", official.pk)]
    assert list(PublicationJob.objects.filter(batch=second).values_list("kind", flat=True)) == [
        "letters"
    ]


def test_batch_return_needs_a_reason_and_goes_back_to_draft():
    composer, official = publication_staff(), publication_staff()
    batch = composed_batch(composer)
    batch_submit(batch=batch, actor=composer)
    with pytest.raises(PublicationError, match="退回理由"):
        batch_return(batch=batch, actor=official, reason=" ")

    batch_return(batch=batch, actor=official, reason="第2家地址不全")
    batch_reopen(batch=batch, actor=composer)

    assert list(batch.transitions.values_list("to_status", "comment")) == [
        ("submitted", ""),
        ("returned", "第2家地址不全"),
        ("draft", ""),
    ]


def test_batch_transition_refuses_moves_outside_the_table():
    composer, official = publication_staff(), publication_staff()
    batch = composed_batch(composer)
    with pytest.raises(PublicationError, match="不能改为“已批准（告知期）”"):
        batch_approve(batch=batch, actor=official)


@pytest.mark.django_db(transaction=True)
def test_batch_approve_concurrent_officials_get_consecutive_numbers():
    composer, official_a, official_b = publication_staff(), publication_staff(), publication_staff()
    batches = []
    for _ in range(2):
        batch = composed_batch(composer)
        batch_submit(batch=batch, actor=composer)
        batches.append(batch)
    barrier = threading.Barrier(2)
    errors = []

    def approve(batch, official):
        try:
            barrier.wait()
            batch_approve(batch=batch, actor=official)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=approve, args=(batches[0], official_a)),
        threading.Thread(target=approve, args=(batches[1], official_b)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Batch.objects.values_list("number", flat=True)) == [1, 2]


def test_objection_rejected_keeps_entry_and_upheld_withdraws_it():
    composer, official, clerk = publication_staff(), publication_staff(), publication_staff()
    batch = approved_batch(composer, official)
    kept, withdrawn = batch.entries.order_by("position")
    today = timezone.localdate()
    first = objection_record(entry=kept, actor=clerk, received_on=today, statement="已整改")
    second = objection_record(entry=withdrawn, actor=clerk, received_on=today, statement="非本单位")

    with pytest.raises(PublicationError, match="拟稿人不能决定"):
        objection_decide(objection=first, actor=composer, upheld=False, reasons="x")
    objection_decide(objection=first, actor=official, upheld=False, reasons="现场照片显示未整改")
    objection_decide(objection=second, actor=official, upheld=True, reasons="检查对象有误")

    kept.refresh_from_db()
    withdrawn.refresh_from_db()
    first.refresh_from_db()
    assert first.decision == ObjectionDecision.REJECTED
    assert first.reasons == "现场照片显示未整改"
    assert kept.status == EntryStatus.PLANNED
    assert withdrawn.status == EntryStatus.WITHDRAWN_ON_OBJECTION
    assert withdrawn.removal_reason == "检查对象有误"


def test_objection_record_refuses_after_the_period():
    composer, official = publication_staff(), publication_staff()
    batch = approved_batch(composer, official)
    late = batch.notice_period_ends + datetime.timedelta(days=1)
    with pytest.raises(PublicationError, match="告知期截止日"):
        objection_record(
            entry=batch.entries.first(), actor=official, received_on=late, statement="迟到"
        )


def test_batch_finalise_waits_for_the_period_and_the_objections():
    composer, official = publication_staff(), publication_staff()
    batch = approved_batch(composer, official)
    objection = objection_record(
        entry=batch.entries.first(),
        actor=official,
        received_on=timezone.localdate(),
        statement="有异议",
    )
    with pytest.raises(PublicationError, match="期满后才能定稿"):
        batch_finalise(batch=batch, actor=official)
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    with pytest.raises(PublicationError, match="还有 1 件异议未决定"):
        batch_finalise(batch=batch, actor=official, today=after)

    objection_decide(objection=objection, actor=official, upheld=False, reasons="不成立")
    batch_finalise(batch=batch, actor=official, today=after)

    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.FINALISED
    assert sorted(PublicationJob.objects.filter(batch=batch).values_list("kind", flat=True)) == [
        "letters",
        "notice",
    ]


def finalised_batch(composer, official, count=2):
    batch = approved_batch(composer, official, count)
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=batch, actor=official, today=after)
    # The notice job's work, done here directly (tests/publicity/test_jobs.py runs the worker).
    from publicity.services import notice_build

    notice_build(batch=batch)
    return Batch.objects.get(pk=batch.pk)


def test_batch_publish_opens_one_case_per_remaining_entry(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official = publication_staff(), publication_staff()
    batch = finalised_batch(composer, official, count=2)
    banned = batch.entries.order_by("position").last()
    Entry.objects.filter(pk=banned.pk).update(disposition=Disposition.BANNED)
    day = timezone.localdate()

    batch_publish(batch=batch, actor=official, published_on=day, outlet="惠州日报")

    batch.refresh_from_db()
    entries = list(batch.entries.order_by("position").select_related("case"))
    assert (batch.status, batch.published_on, batch.outlet) == ("published", day, "惠州日报")
    assert [e.status for e in entries] == [EntryStatus.LISTED, EntryStatus.LISTED]
    assert [e.published_on for e in entries] == [day, day]
    assert [e.case.goal for e in entries] == [CaseGoal.RECTIFY, CaseGoal.VERIFY_CLOSURE]
    assert [e.case.status for e in entries] == [CaseStatus.OPEN, CaseStatus.OPEN]
    assert entries[0].listed_until == day + datetime.timedelta(days=3 * 365)


def test_published_batch_services_refuse_changes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official = publication_staff(), publication_staff()
    batch = finalised_batch(composer, official, count=1)
    batch_publish(batch=batch, actor=official, published_on=timezone.localdate(), outlet="报")
    entry = batch.entries.get()
    with pytest.raises(PublicationError, match="只有草稿状态的批次可以修改"):
        entry_remove(entry=entry, actor=composer)
    with pytest.raises(PublicationError, match="只有草稿状态的批次可以修改"):
        entry_add(batch=batch, findings=[FindingFactory()], actor=batch.composed_by)


def test_published_entry_printed_text_refused_by_raw_sql(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official = publication_staff(), publication_staff()
    batch = finalised_batch(composer, official, count=1)
    batch_publish(batch=batch, actor=official, published_on=timezone.localdate(), outlet="报")
    entry = batch.entries.get()

    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE publicity_entry SET violation_text = 'edited' WHERE id = %s", [entry.pk]
            )
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM publicity_entry WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE publicity_batch SET outlet = 'x' WHERE id = %s", [batch.pk])
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE publicity_batch SET notice_sha256 = 'x' WHERE id = %s", [batch.pk]
            )
    # The publicity term's end may still be recorded.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publicity_entry SET status = 'removed', removed_on = now()::date, "
            "removal_reason = '公示期满' WHERE id = %s",
            [entry.pk],
        )
    entry.refresh_from_db()
    assert (entry.status, entry.violation_text) == ("removed", "消防通道堵塞，安全出口上锁")


def test_erratum_withdraw_needs_another_official_and_cancels_the_case(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official, other = publication_staff(), publication_staff(), publication_staff()
    batch = finalised_batch(composer, official, count=1)
    batch_publish(batch=batch, actor=official, published_on=timezone.localdate(), outlet="报")
    entry = batch.entries.get()
    erratum = erratum_create(
        entry=entry, actor=official, kind=ErratumKind.WITHDRAW, reason="误列", corrections={}
    )
    with pytest.raises(PublicationError, match="拟稿人以外"):
        erratum_decide(erratum=erratum, actor=official, approve=True)

    erratum_decide(erratum=erratum, actor=other, approve=True)

    entry.refresh_from_db()
    erratum.refresh_from_db()
    assert erratum.status == ErratumStatus.APPROVED
    assert entry.status == EntryStatus.WITHDRAWN_BY_ERRATUM
    assert entry.removal_reason == "误列"
    assert entry.violation_text == "消防通道堵塞，安全出口上锁"
    assert entry.case.status == CaseStatus.CANCELLED


def test_erratum_correction_keeps_original_text(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official, other = publication_staff(), publication_staff(), publication_staff()
    batch = finalised_batch(composer, official, count=1)
    batch_publish(batch=batch, actor=official, published_on=timezone.localdate(), outlet="报")
    entry = batch.entries.get()
    erratum = erratum_create(
        entry=entry,
        actor=official,
        kind=ErratumKind.CORRECT,
        reason="地址笔误",
        corrections={"address": "惠州市惠城区江北街道2号", "unit_name": ""},
    )
    erratum_decide(erratum=erratum, actor=other, approve=True)
    entry.refresh_from_db()
    erratum.refresh_from_db()
    assert erratum.corrections == {"address": "惠州市惠城区江北街道2号"}
    assert (entry.status, entry.address) == (EntryStatus.LISTED, "惠州市惠城区江北街道1号")


def test_media_report_create_ties_entries_of_the_batch(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official = publication_staff(), publication_staff()
    batch = finalised_batch(composer, official, count=2)
    with pytest.raises(PublicationError, match="已公示"):
        media_report_create(
            batch=batch,
            actor=official,
            outlet="东江时报",
            date=timezone.localdate(),
            headline="跟踪",
            url="",
            entries=[],
        )
    batch_publish(batch=batch, actor=official, published_on=timezone.localdate(), outlet="报")
    first = batch.entries.order_by("position").first()
    report = media_report_create(
        batch=batch,
        actor=official,
        outlet="东江时报",
        date=timezone.localdate(),
        headline="曝光之后",
        url="https://example.org/a",
        entries=[first],
    )
    assert list(report.entries.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.parametrize(
    ("approved_on", "last_day"),
    [
        # An ordinary week: Tuesday + 5 working days.
        (datetime.date(2026, 12, 1), datetime.date(2026, 12, 8)),
        # National Day 2026 (Oct 1-7 off, Mid-Autumn on Sep 25): the fifth working day is
        # Saturday Oct 10, a working day by adjustment (调休).
        (datetime.date(2026, 9, 28), datetime.date(2026, 10, 10)),
        # Spring Festival 2026 (Feb 15-23 off; Saturday Feb 14 a working day).
        (datetime.date(2026, 2, 12), datetime.date(2026, 2, 26)),
        # A year the calendar does not know (2028): weekends only, never a silent guess
        # elsewhere (the batch page says so).
        (datetime.date(2027, 12, 27), datetime.date(2028, 1, 3)),
    ],
)
def test_notice_period_counts_working_days(approved_on, last_day):
    assert notice_period_end(approved_on) == last_day


def test_notice_period_in_calendar_days_ends_on_a_working_day(settings):
    # Counted in calendar days, a period whose last day is a rest day still ends on the next
    # working day (Civil Code art. 203): 2026-09-24 + 7 days = Oct 1, National Day.
    authority = Authority.objects.get(jurisdiction__parent=None)
    authority.objection_period_days, authority.objection_period_unit = 7, "calendar"
    authority.save()
    assert notice_period_end(datetime.date(2026, 9, 24)) == datetime.date(2026, 10, 8)
