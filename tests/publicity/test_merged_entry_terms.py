"""A unit's findings merged into one entry print the heaviest measure among them, the reason
that goes with it and the earliest deadline (registry.enums.Disposition.by_severity)."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from publicity.models import Batch
from publicity.notice import build_notice_pdf
from publicity.services import batch_create
from registry.enums import Disposition, ExposureCategory
from registry.models import AuditRecord
from tests.factories import EnterpriseFactory, FindingFactory, InspectionFactory, staff_user
from tests.publicity.test_notice import pdf_pages

pytestmark = pytest.mark.django_db

D = datetime.date


def finding(enterprise, description, disposition, category, deadline):
    return FindingFactory(
        inspection=InspectionFactory(enterprise=enterprise),
        description=description,
        proposed_disposition=disposition,
        category=category,
        proposed_deadline=deadline,
    )


def four_findings_of_one_unit():
    """Two findings ask the unit to stop work, two to be banned; a work stop comes first."""
    unit = EnterpriseFactory(name="惠阳区四隐患采石场")
    stopped, hazard = Disposition.WORK_STOPPED, ExposureCategory.MAJOR_HAZARD
    banned, illegal = Disposition.BANNED, ExposureCategory.ILLEGAL_OPERATION
    return [
        finding(unit, "边坡未按设计放坡", stopped, hazard, D(2009, 5, 29)),
        finding(unit, "无采矿许可证开采", banned, illegal, D(2009, 4, 20)),
        finding(unit, "爆破作业无专人警戒", stopped, hazard, D(2009, 4, 10)),
        finding(unit, "非法储存爆炸物品", banned, illegal, D(2009, 4, 15)),
    ]


def test_merged_entry_prints_the_most_severe_disposition_of_four_findings(client, tmp_path):
    inspector = staff_user("insp", "inspector")
    batch = batch_create(composer=inspector)
    findings = four_findings_of_one_unit()
    client.force_login(inspector)

    response = client.post(
        reverse("publicity:batch-compose", args=[batch.pk]),
        {"findings": [str(f.pk) for f in findings]},
    )

    assert response.status_code == 302
    [entry] = batch.entries.all()
    assert entry.findings_in_order == findings
    # The heaviest measure, with the reason that calls for it, by the earliest deadline asked.
    assert entry.disposition == Disposition.BANNED
    assert entry.category == ExposureCategory.ILLEGAL_OPERATION
    assert entry.rectification_deadline == D(2009, 4, 10)
    [page] = pdf_pages(build_notice_pdf(batch, draft=True), tmp_path)
    # The table's first row: the cells' middle line, where its one-line cells are printed.
    [row] = [line for line in page.splitlines() if line.startswith("1 ")]
    assert row.split()[-4:-1] == ["非法生产经营", "依法取缔", "2009年4月10日"]
    assert "停工整改" not in page
    # The second finding raised the entry; the third, lighter, left it as it was.
    attached = AuditRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Batch),
        object_id=batch.pk,
        comment="并入同一单位的检查发现：第1号“惠阳区四隐患采石场”",
    ).order_by("id")
    assert [
        {name: change for name, change in record.changes.items() if name != "violation_text"}
        for record in attached
    ] == [
        {
            "category": {"label": "曝光类别", "old": "存在重大事故隐患", "new": "非法生产经营"},
            "disposition": {"label": "处理措施", "old": "停工整改", "new": "依法取缔"},
            "rectification_deadline": {
                "label": "整改期限",
                "old": "2009-05-29",
                "new": "2009-04-20",
            },
        },
        {
            "rectification_deadline": {
                "label": "整改期限",
                "old": "2009-04-20",
                "new": "2009-04-10",
            },
        },
        {},
    ]


def test_merged_entry_terms_do_not_depend_on_the_order_the_findings_are_picked(client):
    inspector = staff_user("insp", "inspector")
    batch = batch_create(composer=inspector)
    findings = four_findings_of_one_unit()
    client.force_login(inspector)

    client.post(
        reverse("publicity:batch-compose", args=[batch.pk]),
        {"findings": [str(f.pk) for f in reversed(findings)]},
    )

    [entry] = batch.entries.all()
    assert (entry.disposition, entry.category, entry.rectification_deadline) == (
        Disposition.BANNED,
        ExposureCategory.ILLEGAL_OPERATION,
        D(2009, 4, 10),
    )


def test_disposition_severity_orders_every_disposition_once():
    assert Disposition.by_severity() == (
        Disposition.CLOSED,
        Disposition.BANNED,
        Disposition.SUSPENDED_FOR_OVERHAUL,
        Disposition.SUSPENDED,
        Disposition.WORK_STOPPED,
        Disposition.RECTIFY_BY_DEADLINE,
    )
    assert set(Disposition.by_severity()) == set(Disposition)
    assert Disposition.most_severe(["work_stopped", "banned", "closed"]) == Disposition.CLOSED
