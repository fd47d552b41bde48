"""One entry per unit per batch (issue 11): a unit's findings in one batch share one entry,
which the notice, the public page, the API and the case carry whole."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from publicity.enums import EntryStatus
from publicity.models import Batch, Entry
from publicity.notice import build_notice_pdf
from publicity.selectors import finding_pool
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entry_add,
    entry_remove,
    notice_build,
)
from tests.factories import (
    EnterpriseFactory,
    EntryFactory,
    FindingFactory,
    InspectionFactory,
    publication_staff,
    staff_user,
)
from tests.publicity.test_notice import pdf_pages

pytestmark = pytest.mark.django_db


def two_findings_of_one_unit():
    enterprise = EnterpriseFactory(name="惠城区双隐患五金厂")
    first = FindingFactory(
        inspection=InspectionFactory(enterprise=enterprise), description="消防通道堵塞"
    )
    second = FindingFactory(
        inspection=InspectionFactory(enterprise=enterprise, date=datetime.date(2009, 3, 9)),
        description="仓库与宿舍同一建筑",
    )
    return enterprise, first, second


def test_entry_add_puts_two_findings_of_one_unit_in_one_entry():
    composer = publication_staff()
    batch = batch_create(composer=composer)
    enterprise, first, second = two_findings_of_one_unit()
    other = FindingFactory(description="无证经营")

    added = entry_add(batch=batch, findings=[first, other, second], actor=composer)

    entry, other_entry = added.created
    assert added.attached == [entry]
    assert list(batch.entries.order_by("position").values_list("pk", "position")) == [
        (entry.pk, 1),
        (other_entry.pk, 2),
    ]
    entry = Entry.objects.get(pk=entry.pk)
    assert entry.enterprise == enterprise
    assert entry.findings_in_order == [first, second]
    assert entry.violation_text == "消防通道堵塞\n仓库与宿舍同一建筑"


def test_entry_add_attaches_a_later_finding_to_the_units_entry():
    composer = publication_staff()
    batch = batch_create(composer=composer)
    _enterprise, first, second = two_findings_of_one_unit()
    [entry] = entry_add(batch=batch, findings=[first], actor=composer).created

    added = entry_add(batch=batch, findings=[second], actor=composer)

    assert (added.created, added.attached) == ([], [entry])
    assert batch.entries.count() == 1
    assert Entry.objects.get(pk=entry.pk).findings_in_order == [first, second]
    # Neither finding is offered again; taking the unit out frees both.
    pool = finding_pool(user=composer)[1]
    assert set(pool.filter(pk__in=[first.pk, second.pk])) == set()
    entry_remove(entry=Entry.objects.get(pk=entry.pk), actor=composer)
    assert set(pool.filter(pk__in=[first.pk, second.pk])) == {first, second}


def test_entry_unit_once_per_batch_refuses_a_second_entry_in_the_database():
    batch = batch_create(composer=publication_staff())
    _enterprise, first, second = two_findings_of_one_unit()
    EntryFactory(batch=batch, finding=first, position=1)

    with pytest.raises(IntegrityError, match="entry_unit_once_per_batch"), transaction.atomic():
        EntryFactory(batch=batch, finding=second, position=2)


def test_batch_compose_says_the_finding_joined_the_units_entry(client):
    inspector = staff_user("insp", "inspector")
    batch = batch_create(composer=inspector)
    _enterprise, first, second = two_findings_of_one_unit()
    client.force_login(inspector)

    response = client.post(
        reverse("publicity:batch-compose", args=[batch.pk]),
        {"findings": [str(first.pk), str(second.pk)]},
    )

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "已加入 1 家单位。",
        "“惠城区双隐患五金厂”在本批次中只列一条：所选的检查发现已并入该单位的条目（第1号），"
        "请核对其违法违规行为的文字。",
    ]
    assert batch.entries.count() == 1


def published_with_two_findings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official = publication_staff(), publication_staff()
    batch = batch_create(composer=composer)
    _enterprise, first, second = two_findings_of_one_unit()
    entry_add(batch=batch, findings=[first, second], actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch_submit(batch=batch, actor=composer)
    batch = batch_approve(batch=batch, actor=official)
    batch_finalise(
        batch=batch, actor=official, today=batch.notice_period_ends + datetime.timedelta(days=1)
    )
    notice_build(batch=batch)
    batch_publish(
        batch=Batch.objects.get(pk=batch.pk),
        actor=official,
        published_on=timezone.localdate(),
        outlet="惠州日报",
    )
    return Batch.objects.get(pk=batch.pk), first, second


def test_published_unit_shows_both_findings_in_notice_page_api_and_case(client, settings, tmp_path):
    batch, first, second = published_with_two_findings(settings, tmp_path)
    [entry] = batch.entries.select_related("case")

    assert entry.status == EntryStatus.LISTED
    assert list(entry.case.findings.order_by("id")) == [first, second]
    notice = "".join(pdf_pages(build_notice_pdf(batch), tmp_path))
    assert "消防通道堵塞" in notice
    assert "仓库与宿舍同一建筑" in notice
    page = client.get(reverse("public:entry-detail", args=[entry.pk])).content.decode()
    assert "消防通道堵塞<br>仓库与宿舍同一建筑" in page
    data = client.get(reverse("public:api-entry-detail", args=[entry.pk])).json()
    assert data["violation_text"] == "消防通道堵塞\n仓库与宿舍同一建筑"


def test_published_entry_keeps_its_further_findings(settings, tmp_path):
    batch, _first, second = published_with_two_findings(settings, tmp_path)
    entry = batch.entries.get()

    with pytest.raises(IntegrityError, match="published"), transaction.atomic():
        entry.further_findings.remove(second)
    with pytest.raises(IntegrityError, match="published"), transaction.atomic():
        entry.further_findings.add(FindingFactory())


def test_migration_merges_a_drafts_two_entries_of_one_unit_and_keeps_the_rest():
    migration = importlib.import_module("publicity.migrations.0014_entry_one_per_unit")
    batch = batch_create(composer=publication_staff())
    _enterprise, first, second = two_findings_of_one_unit()
    with connection.cursor() as cursor:  # the state before the rule, in this test only
        cursor.execute("DROP INDEX entry_unit_once_per_batch")
    EntryFactory(batch=batch, finding=first, position=1, violation_text="消防通道堵塞")
    EntryFactory(batch=batch, finding=FindingFactory(), position=2)
    EntryFactory(batch=batch, finding=second, position=3, violation_text="仓库与宿舍同一建筑")

    migration.merge_planned_duplicates(apps, None)

    kept, other = batch.entries.order_by("position")
    assert (kept.position, other.position) == (1, 2)
    assert kept.findings_in_order == [first, second]
    assert kept.violation_text == "消防通道堵塞\n仓库与宿舍同一建筑"
