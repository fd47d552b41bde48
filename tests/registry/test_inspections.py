"""Inspections with their findings in one form, evidence files, and the audit trail."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registry.data import FindingData, InspectionData
from registry.models import (
    AuditRecord,
    Evidence,
    Finding,
    Inspection,
    LegalProvision,
    PendingUpload,
)
from registry.services import RegistryError, inspection_create
from tests.factories import EnterpriseFactory, FindingFactory, InspectionFactory
from tests.registry.conftest import jpeg_bytes

DATE = datetime.date(2024, 3, 2)


def finding_fields(index, **overrides):
    values = {
        "category": "major_hazard",
        "description": f"第{index + 1}项：消防通道堵塞",
        "proposed_disposition": "rectify_by_deadline",
        "proposed_deadline": "",
    }
    values.update(overrides)
    return {f"findings-{index}-{name}": value for name, value in values.items()}


def inspection_post(inspectors, findings, **header):
    data = {
        "date": DATE.isoformat(),
        "inspectors": [person.pk for person in inspectors],
        "kind": "routine",
        "campaign_basis": "",
        "campaign": "",
        "notes": "",
        "findings-TOTAL_FORMS": str(len(findings)),
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "1",
        "findings-MAX_NUM_FORMS": "30",
    }
    data.update(header)
    for finding in findings:
        data.update(finding)
    return data


def photo(name="yard.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(with_gps=True), content_type="image/jpeg")


@pytest.fixture
def unit(db):
    return EnterpriseFactory(name="惠城区检查对象五金厂")


def test_inspection_create_saves_findings_evidence_and_audit(client, people, unit):
    provision = LegalProvision.objects.order_by("id").first()
    client.force_login(people.inspector)
    data = inspection_post(
        [people.inspector, people.inspector_huicheng],
        [
            {
                **finding_fields(0, proposed_for_publicity="on", is_major_hazard="on"),
                "findings-0-provisions": [provision.pk],
                "findings-0-evidence": photo(),
            },
            finding_fields(1, proposed_disposition="banned", proposed_deadline="2024-04-01"),
        ],
    )
    response = client.post(reverse("registry:inspection-create", args=[unit.pk]), data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:inspection-detail", args=[inspection.pk])
    assert sorted(p.username for p in inspection.inspectors.all()) == [
        "inspector",
        "inspector_huicheng",
    ]
    first, second = inspection.findings.order_by("id")
    assert first.proposed_for_publicity is True
    assert first.is_major_hazard is True
    assert list(first.provisions.all()) == [provision]
    # Left empty: 30 days for 限期整改 (FINDING_DEADLINE_DAYS).
    assert first.proposed_deadline == DATE + datetime.timedelta(days=30)
    assert second.proposed_deadline == datetime.date(2024, 4, 1)
    assert second.proposed_for_publicity is False

    evidence = Evidence.objects.get()
    assert evidence.finding == first
    assert evidence.original_name == "yard.jpg"
    assert evidence.content_type == "image/jpeg"
    with evidence.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert dict(image.getexif()) == {}
    assert evidence.file.name.startswith(f"evidence/finding/{first.pk}/")
    assert PendingUpload.objects.count() == 0

    records = AuditRecord.objects.order_by("id")
    assert [(r.content_type.model, r.object_id, r.action) for r in records] == [
        ("inspection", inspection.pk, "created"),
        ("finding", first.pk, "created"),
        ("finding", second.pk, "created"),
    ]
    assert records[1].changes["evidence"] == {"label": "新增证据材料", "old": "", "new": "yard.jpg"}


def test_inspection_deadline_default_comes_from_the_setting(client, people, unit, settings):
    settings.FINDING_DEADLINE_DAYS = {**settings.FINDING_DEADLINE_DAYS, "rectify_by_deadline": 10}
    client.force_login(people.inspector)
    client.post(
        reverse("registry:inspection-create", args=[unit.pk]),
        inspection_post([people.inspector], [finding_fields(0)]),
    )
    assert Finding.objects.get().proposed_deadline == DATE + datetime.timedelta(days=10)


def test_inspection_form_with_errors_keeps_typed_text_and_chosen_files(client, people, unit):
    client.force_login(people.inspector)
    url = reverse("registry:inspection-create", args=[unit.pk])
    data = inspection_post(
        [people.inspector],
        [
            {**finding_fields(0), "findings-0-evidence": photo("gate.jpg")},
            finding_fields(1, description=""),
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert Inspection.objects.count() == 0
    staged = PendingUpload.objects.get()
    assert staged.owner == people.inspector
    assert staged.original_name == "gate.jpg"
    html = response.content.decode()
    assert f'<input type="hidden" name="findings-0-keep" value="{staged.pk}">' in html
    assert "gate.jpg" in html
    assert "第1项：消防通道堵塞" in html
    assert response.context["formset"].forms[1].errors == {"description": ["该字段是必填项。"]}

    # Sent again with the missing text and the staged file, without choosing it anew.
    data.pop("findings-0-evidence")
    data.update(finding_fields(1, description="第2项：未设安全出口标志"))
    data["findings-0-keep"] = [str(staged.pk)]
    response = client.post(url, data)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "gate.jpg"
    assert evidence.finding.description == "第1项：消防通道堵塞"
    assert PendingUpload.objects.count() == 0


def test_inspection_form_removes_a_staged_file_on_request(client, people, unit):
    client.force_login(people.inspector)
    url = reverse("registry:inspection-create", args=[unit.pk])
    data = inspection_post(
        [people.inspector], [{**finding_fields(0, description=""), "findings-0-evidence": photo()}]
    )
    client.post(url, data)
    staged = PendingUpload.objects.get()
    data.pop("findings-0-evidence")
    data.update(finding_fields(0))
    data["findings-0-keep"] = [str(staged.pk)]
    data["findings-0-remove"] = [str(staged.pk)]
    response = client.post(url, data)
    assert response.status_code == 302
    assert Evidence.objects.count() == 0
    assert PendingUpload.objects.count() == 0


def test_inspection_form_ignores_another_users_staged_file(client, people, unit):
    client.force_login(people.inspector_huicheng)
    url = reverse("registry:inspection-create", args=[unit.pk])
    client.post(
        url,
        inspection_post(
            [people.inspector],
            [{**finding_fields(0, description=""), "findings-0-evidence": photo()}],
        ),
    )
    staged = PendingUpload.objects.get()
    client.force_login(people.inspector)
    data = inspection_post([people.inspector], [finding_fields(0)])
    data["findings-0-keep"] = [str(staged.pk)]
    assert client.post(url, data).status_code == 302
    assert Evidence.objects.count() == 0
    assert PendingUpload.objects.get() == staged


def test_inspection_form_refuses_a_file_that_is_not_an_image_or_pdf(client, people, unit):
    client.force_login(people.inspector)
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    response = client.post(
        reverse("registry:inspection-create", args=[unit.pk]),
        inspection_post([people.inspector], [{**finding_fields(0), "findings-0-evidence": fake}]),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["evidence"] == [
        "文件“photo.jpg”不是可接受的图片（JPEG、PNG）或 PDF 文件。"
    ]
    assert Inspection.objects.count() == 0
    assert PendingUpload.objects.count() == 0


def test_inspection_form_refuses_a_file_over_the_cap(client, people, unit, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:inspection-create", args=[unit.pk]),
        inspection_post(
            [people.inspector], [{**finding_fields(0), "findings-0-evidence": photo()}]
        ),
    )
    assert response.context["formset"].forms[0].errors["evidence"] == [
        "文件“yard.jpg”超过大小上限 0 MB。"
    ]


def test_inspection_special_campaign_needs_its_basis(client, people, unit):
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:inspection-create", args=[unit.pk]),
        inspection_post([people.inspector], [finding_fields(0)], kind="special_campaign"),
    )
    assert response.context["form"].errors == {"campaign_basis": ["专项检查请选择专项依据。"]}


def test_inspection_needs_at_least_one_finding(client, people, unit):
    client.force_login(people.inspector)
    data = inspection_post([people.inspector], [{}])
    data["findings-TOTAL_FORMS"] = "1"
    response = client.post(reverse("registry:inspection-create", args=[unit.pk]), data)
    assert response.status_code == 200
    assert Inspection.objects.count() == 0


def test_inspection_edit_records_the_changed_finding_fields(client, people, unit):
    inspected = datetime.date(2009, 3, 2)
    inspection = InspectionFactory(enterprise=unit, date=inspected, created_by=people.inspector)
    inspection.inspectors.add(people.inspector)
    finding = FindingFactory(inspection=inspection, proposed_for_publicity=False)
    client.force_login(people.inspector)
    data = inspection_post(
        [people.inspector],
        [
            finding_fields(
                0,
                description=finding.description,
                proposed_for_publicity="on",
                proposed_deadline="2009-04-30",
            )
        ],
        date=inspected.isoformat(),
    )
    data["findings-0-finding_id"] = str(finding.pk)
    data["findings-INITIAL_FORMS"] = "1"
    response = client.post(reverse("registry:inspection-edit", args=[inspection.pk]), data)
    assert response.status_code == 302
    record = AuditRecord.objects.get(object_id=finding.pk, content_type__model="finding")
    assert record.changes == {
        "proposed_for_publicity": {"label": "建议公示曝光", "old": "否", "new": "是"}
    }
    page = client.get(reverse("registry:inspection-detail", args=[inspection.pk]))
    assert "<del>否</del> → <ins>是</ins>" in page.content.decode()


def test_inspection_form_refuses_a_deadline_before_the_inspection(client, people, unit):
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:inspection-create", args=[unit.pk]),
        inspection_post(
            [people.inspector],
            [finding_fields(0, proposed_deadline="2024-03-01"), finding_fields(1)],
        ),
    )

    assert response.status_code == 200
    assert [form.errors for form in response.context["formset"].forms] == [
        {"proposed_deadline": ["整改期限（2024-03-01）不能早于检查日期（2024-03-02）。"]},
        {},
    ]
    assert Inspection.objects.count() == 0


def test_inspection_form_accepts_a_deadline_on_the_inspection_day(client, people, unit):
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:inspection-create", args=[unit.pk]),
        inspection_post(
            [people.inspector],
            [finding_fields(0, proposed_deadline="2024-03-04")],
            date="2024-03-04",
        ),
    )

    assert response.status_code == 302
    assert Finding.objects.get().proposed_deadline == datetime.date(2024, 3, 4)


def test_inspection_edit_refuses_a_date_after_its_findings_deadline(client, people, unit):
    inspection = InspectionFactory(enterprise=unit, date=datetime.date(2009, 3, 2))
    inspection.inspectors.add(people.inspector)
    finding = FindingFactory(inspection=inspection)
    client.force_login(people.inspector)
    data = inspection_post(
        [people.inspector],
        [finding_fields(0, description=finding.description, proposed_deadline="2009-04-30")],
        date="2009-05-04",
    )
    data["findings-0-finding_id"] = str(finding.pk)
    data["findings-INITIAL_FORMS"] = "1"

    response = client.post(reverse("registry:inspection-edit", args=[inspection.pk]), data)

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors == {
        "proposed_deadline": ["整改期限（2009-04-30）不能早于检查日期（2009-05-04）。"]
    }
    inspection.refresh_from_db()
    assert inspection.date == datetime.date(2009, 3, 2)


def test_inspection_create_service_refuses_a_deadline_before_the_inspection(people, unit):
    data = InspectionData(
        date=DATE,
        inspectors=[people.inspector],
        kind="routine",
        campaign_basis="",
        campaign="",
        notes="",
    )
    finding = FindingData(
        category="major_hazard",
        description="消防通道堵塞",
        provisions=[],
        is_major_hazard=True,
        proposed_disposition="rectify_by_deadline",
        proposed_deadline=DATE - datetime.timedelta(days=1),
        proposed_for_publicity=True,
    )

    with pytest.raises(
        RegistryError, match=r"整改期限（2024-03-01）不能早于检查日期（2024-03-02）。"
    ):
        inspection_create(actor=people.inspector, enterprise=unit, data=data, findings=[finding])
    assert Inspection.objects.count() == 0


def test_inspection_edit_refuses_a_finding_of_another_inspection(client, people, unit):
    inspection = InspectionFactory(enterprise=unit, date=DATE)
    inspection.inspectors.add(people.inspector)
    FindingFactory(inspection=inspection)
    other = FindingFactory()
    client.force_login(people.inspector)
    data = inspection_post([people.inspector], [finding_fields(0)])
    data["findings-0-finding_id"] = str(other.pk)
    response = client.post(reverse("registry:inspection-edit", args=[inspection.pk]), data)
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.description == "消防通道堵塞，安全出口上锁"


def test_evidence_is_served_privately(client, people, huiyang):
    client.force_login(people.official)
    response = client.get(reverse("registry:evidence", args=[huiyang.evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store, private"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("rows", [1, 3, 27])
def test_inspection_list_query_count_is_constant(client, people, django_assert_num_queries, rows):
    for _ in range(rows):
        inspection = InspectionFactory(created_by=people.inspector)
        inspection.inspectors.add(people.inspector)
        FindingFactory.create_batch(2, inspection=inspection)
        FindingFactory(inspection=inspection, proposed_for_publicity=False)
    client.force_login(people.inspector)
    # session, user, role check, user and group permissions, profile (scope), count (that
    # stops early), district choices, the page (its rows' finding counts in it), its
    # inspectors; 27 rows are more than a page
    # And the authorities' rules (registry.authorities), read once into the cache.
    # And whether the user's jurisdiction is the tree's only root (a city-wide role of the
    # one-city test database: then the list carries no area condition, registry.permissions).
    with django_assert_num_queries(11):
        response = client.get(reverse("registry:inspection-list"))
    shown = min(rows, 25)
    assert len(response.context["page"]) == shown
    assert [(i.finding_count, i.proposed_count) for i in response.context["page"]] == [
        (3, 2)
    ] * shown
    assert response.context["page"].paginator.count == rows


def test_pending_uploads_purge_drops_only_old_staged_files(people, settings):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from registry.services import pending_uploads_purge

    def staged(hours_ago):
        upload = PendingUpload.objects.create(
            owner=people.inspector,
            file=ContentFile(b"%PDF-1.4", name="a.pdf"),
            original_name="a.pdf",
            content_type="application/pdf",
            size=8,
            sha256="0" * 64,
        )
        PendingUpload.objects.filter(pk=upload.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=hours_ago)
        )
        return upload

    old, fresh = staged(25), staged(1)
    storage, old_name = old.file.storage, old.file.name
    assert pending_uploads_purge() == 1
    assert list(PendingUpload.objects.all()) == [fresh]
    assert storage.exists(old_name) is False
    assert pending_uploads_purge() == 0
