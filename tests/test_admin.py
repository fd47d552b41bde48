"""The Django admin of registry, rectification and publicity."""

import datetime
import hashlib

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from publicity.enums import BatchStatus, EntryStatus, ErratumKind, SubmissionKind
from publicity.models import (
    BatchTransition,
    Erratum,
    ExportJob,
    MediaReport,
    Objection,
    PriorNoticeLetter,
    PublicationJob,
    Submission,
)
from rectification.enums import CaseStatus, EventKind, ReminderKind
from rectification.models import (
    AccessCode,
    Event,
    EventEvidence,
    InboxMessage,
    Reminder,
    Reply,
)
from registry.enums import AccidentKind
from registry.models import (
    Accident,
    AuditRecord,
    EnterpriseImport,
    EnterpriseImportRow,
    Evidence,
    Finding,
    Inspection,
    LegalProvision,
    PendingUpload,
    StaffProfile,
)
from tests.support import tiny_jpeg

pytestmark = pytest.mark.django_db

APPS = {"registry", "rectification", "publicity"}
# Append-only history, written only by services: the admin shows it and cannot add to it.
# Likewise what the system records on its own: audit rows, staged uploads, imports, the inbox,
# access codes (only their hash), letters and publication jobs, and the home page's tallies
# and statistics (kept by database triggers).
HISTORY_MODELS = {
    "publicity.batchtransition",
    "publicity.entrytally",
    "publicity.entryfiguretally",
    "publicity.casetally",
    "publicity.exposedunit",
    "publicity.exposedunittally",
    "publicity.priornoticeletter",
    "publicity.publicationjob",
    "publicity.exportjob",
    "rectification.event",
    "rectification.reminder",
    "rectification.inboxmessage",
    "rectification.accesscode",
    "registry.auditrecord",
    "registry.enterpriseimport",
    "registry.enterpriseimportrow",
    "registry.pendingupload",
}
# The aggregates of the workflow tables (core.workflow): made and moved only through the staff
# pages and their transition functions, so the admin shows them and never writes them.
WORKFLOW_MODELS = {
    "publicity.batch",
    "publicity.entry",
    "publicity.objection",
    "publicity.erratum",
    "publicity.mediareport",
    "publicity.submission",
    "rectification.case",
    "rectification.eventevidence",
    "rectification.reply",
}
PLANTED_NAME = "王小明"
PLANTED_CONTACT = "13800138000"


def registered_models():
    return [model for model in admin.site._registry if model._meta.app_label in APPS]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(exposure):
    """At least one row of every model of the three apps."""
    finding = exposure.entries[0].finding
    finding.provisions.add(LegalProvision.objects.first())
    StaffProfile.objects.create(
        user=exposure.composer, jurisdiction=finding.inspection.enterprise.jurisdiction
    )
    Evidence.objects.create(
        finding=finding,
        file="evidence/finding/1/photo.jpg",
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=1024,
        sha256="0" * 64,
        uploaded_by=exposure.composer,
    )
    Accident.objects.create(
        date=timezone.localdate(),
        jurisdiction=exposure.entries[0].district,
        enterprise=exposure.entries[0].enterprise,
        kind=AccidentKind.CONSTRUCTION,
        deaths=3,
        injuries=1,
        direct_loss="1200000.00",
    )
    case = exposure.cases[0]
    event = Event.objects.create(
        case=case, kind=EventKind.OPENED, to_status=CaseStatus.OPEN, is_public=True
    )
    EventEvidence.objects.create(
        event=event,
        file="evidence/case/1/report.pdf",
        original_name="report.pdf",
        content_type="application/pdf",
        size=2048,
        sha256="1" * 64,
    )
    Reminder.objects.create(case=case, kind=ReminderKind.BEFORE_DEADLINE, occasion="7")
    BatchTransition.objects.create(
        batch=exposure.published,
        from_status=BatchStatus.FINALISED,
        to_status=BatchStatus.PUBLISHED,
        by=exposure.approver,
    )
    Objection.objects.create(
        entry=exposure.entries[3],
        received_on=timezone.localdate(),
        statement="已整改",
        recorded_by=exposure.composer,
    )
    Erratum.objects.create(
        entry=exposure.entries[0],
        kind=ErratumKind.CORRECT,
        reason="地址有误",
        corrections={"address": "惠城区江北街道2号"},
        author=exposure.composer,
    )
    MediaReport.objects.create(
        outlet="惠州日报", date=timezone.localdate(), headline="跟踪整改", batch=exposure.published
    ).entries.add(exposure.entries[0])
    reminder = Reminder.objects.get(case=case)
    InboxMessage.objects.create(
        recipient=exposure.composer, case=case, reminder=reminder, subject="提醒", body="7天后到期"
    )
    AccessCode.objects.create(case=case, code_hash="2" * 64, issued_by=exposure.composer)
    Reply.objects.create(case=case, text="我单位已整改完毕")
    AuditRecord.objects.create(
        content_type=ContentType.objects.get_for_model(Accident),
        object_id=Accident.objects.get().pk,
        action=AuditRecord.Action.CREATED,
        actor=exposure.composer,
        changes={"deaths": [None, 3]},
    )
    PendingUpload.objects.create(
        owner=exposure.composer,
        file="pending/photo.jpg",
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=1024,
        sha256="3" * 64,
    )
    EnterpriseImportRow.objects.create(
        enterprise_import=EnterpriseImport.objects.create(
            uploaded_by=exposure.composer, file="imports/units.csv", original_name="units.csv"
        ),
        row=2,
        fields={"name": "惠城区导入一厂"},
    )
    PriorNoticeLetter.objects.create(
        entry=exposure.entries[0], file="letters/1.pdf", sha256="4" * 64
    )
    PublicationJob.objects.create(batch=exposure.published, kind=PublicationJob.Kind.NOTICE)
    ExportJob.objects.create(
        key="k" * 64, filters={"scope": "listed"}, format="csv", language="zh-hans"
    )
    Submission.objects.create(
        kind=SubmissionKind.REPORT,
        tracking_code="GS-2009-0001",
        subject="工地无防护",
        body="脚手架无防护网",
        district=exposure.entries[0].district,
        is_anonymous=False,
        submitter_name=PLANTED_NAME,
        submitter_contact=PLANTED_CONTACT,
    )
    return exposure


@pytest.fixture
def superuser_client(client, db):
    client.force_login(get_user_model().objects.create_superuser("root", password="root-pass"))
    return client


def staff_client(client, *permissions):
    """An administrator (the admin is theirs: core.use_admin) holding ``permissions``."""
    user = get_user_model().objects.create_user("clerk", password="clerk-pass", is_staff=True)
    user.user_permissions.set(
        [
            Permission.objects.get(content_type__app_label="core", codename="use_admin"),
            *(
                Permission.objects.get(content_type__app_label="publicity", codename=codename)
                for codename in permissions
            ),
        ]
    )
    client.force_login(user)
    return client


def test_admin_registers_every_model_of_the_three_apps():
    from django.apps import apps

    expected = {m for app in APPS for m in apps.get_app_config(app).get_models()}
    assert set(registered_models()) == expected


def test_admin_superuser_opens_changelist_and_add_page_of_every_model(superuser_client, world):
    statuses = {
        model._meta.label_lower: (
            superuser_client.get(url(model, "changelist")).status_code,
            superuser_client.get(url(model, "add")).status_code,
        )
        for model in registered_models()
    }

    assert statuses == {
        model._meta.label_lower: (
            200,
            403 if model._meta.label_lower in HISTORY_MODELS | WORKFLOW_MODELS else 200,
        )
        for model in registered_models()
    }


def test_admin_superuser_opens_change_page_of_every_model(superuser_client, world):
    statuses = {
        model._meta.label_lower: superuser_client.get(
            url(model, "change", model._default_manager.order_by("pk").first().pk)
        ).status_code
        for model in registered_models()
    }

    assert statuses == {model._meta.label_lower: 200 for model in registered_models()}


def test_admin_batches_and_their_entries_are_view_only(superuser_client, world):
    batch_page = superuser_client.get(url(type(world.published), "change", world.published.pk))
    draft_page = superuser_client.get(url(type(world.draft), "change", world.draft.pk))
    listed = world.entries[0]
    entry_page = superuser_client.get(url(type(listed), "change", listed.pk))

    assert batch_page.context["has_change_permission"] is False
    assert draft_page.context["has_change_permission"] is False
    assert entry_page.context["has_change_permission"] is False
    assert 'name="_save"' not in batch_page.content.decode()


@pytest.mark.parametrize("model_name", ["entry", "case", "finding", "event"])
def test_admin_changelist_queries_do_not_grow_with_rows(superuser_client, world, model_name):
    from django.apps import apps

    model = next(m for m in registered_models() if m._meta.model_name == model_name)
    changelist = url(model, "changelist")
    # Warm the per-process caches (content types, permissions) before counting.
    superuser_client.get(changelist)
    with CaptureQueriesContext(connection) as few:
        superuser_client.get(changelist)

    for _ in range(3):
        case = world.case(CaseStatus.OPEN, 30)
        world.entry(world.published, EntryStatus.LISTED, case)
        Event.objects.create(case=case, kind=EventKind.OPENED, to_status=CaseStatus.OPEN)
    with CaptureQueriesContext(connection) as many:
        response = superuser_client.get(changelist)

    assert response.context["cl"].result_count == model._default_manager.count()
    assert apps.get_model("publicity", "entry").objects.count() == 8
    assert len(many) == len(few)


def test_admin_submission_hides_identity_without_permission(client, world):
    clerk = staff_client(client, "view_submission")
    submission = Submission.objects.get()

    change = clerk.get(url(Submission, "change", submission.pk))
    changelist = clerk.get(url(Submission, "changelist"))
    search = clerk.get(url(Submission, "changelist"), {"q": PLANTED_CONTACT})
    probe = clerk.get(url(Submission, "changelist"), {"submitter_contact__startswith": "138"})

    assert change.status_code == 200
    assert "工地无防护" in change.content.decode()
    for page in (change, changelist):
        assert PLANTED_CONTACT not in page.content.decode()
        assert PLANTED_NAME not in page.content.decode()
        assert "submitter_" not in page.content.decode()
    assert search.context["cl"].result_count == 0
    assert probe.status_code == 400


def test_admin_submission_shows_identity_with_permission(client, world):
    officer = staff_client(client, "view_submission", "view_submitter_identity")
    submission = Submission.objects.get()

    change = officer.get(url(Submission, "change", submission.pk))
    changelist = officer.get(url(Submission, "changelist"))
    search = officer.get(url(Submission, "changelist"), {"q": PLANTED_CONTACT})

    assert change.status_code == 200
    for page in (change, changelist):
        assert PLANTED_CONTACT in page.content.decode()
        assert PLANTED_NAME in page.content.decode()
    assert search.context["cl"].result_count == 1


def test_admin_inspection_add_records_the_creator(superuser_client, world):
    response = superuser_client.post(
        url(Inspection, "add"),
        {
            "enterprise": world.entries[0].enterprise.pk,
            "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "inspectors": str(world.composer.pk),
            "kind": "routine",
            "campaign_basis": "",
            "campaign": "",
            "notes": "",
            "findings-TOTAL_FORMS": "0",
            "findings-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    created = Inspection.objects.order_by("-pk").first()
    assert created.created_by.username == "root"
    assert list(created.inspectors.values_list("username", flat=True)) == ["composer"]


def test_admin_inspection_refuses_a_finding_deadline_before_the_inspection(superuser_client, world):
    inspected_on = datetime.date(2009, 6, 10)
    response = superuser_client.post(
        url(Inspection, "add"),
        {
            "enterprise": world.entries[0].enterprise.pk,
            "date": inspected_on.isoformat(),
            "inspectors": str(world.composer.pk),
            "kind": "routine",
            "campaign_basis": "",
            "campaign": "",
            "notes": "",
            "findings-TOTAL_FORMS": "1",
            "findings-INITIAL_FORMS": "0",
            "findings-0-category": world.entries[0].finding.category,
            "findings-0-description": "消防通道堵塞",
            "findings-0-proposed_disposition": world.entries[0].finding.proposed_disposition,
            "findings-0-proposed_deadline": "2009-06-09",
        },
    )

    assert response.status_code == 200
    assert "整改期限（2009-06-09）不能早于检查日期（2009-06-10）。" in response.content.decode()
    assert not Inspection.objects.filter(date=inspected_on).exists()


def test_admin_finding_refuses_a_deadline_before_its_inspection(superuser_client, world):
    finding = world.entries[0].finding
    inspected_on = finding.inspection.date
    response = superuser_client.post(
        url(Finding, "change", finding.pk),
        {
            "inspection": finding.inspection.pk,
            "category": finding.category,
            "description": finding.description,
            "provisions": [],
            "proposed_disposition": finding.proposed_disposition,
            "proposed_deadline": (inspected_on - datetime.timedelta(days=1)).isoformat(),
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "不能早于检查日期" in response.content.decode()
    finding.refresh_from_db()
    assert finding.proposed_deadline != inspected_on - datetime.timedelta(days=1)


def test_admin_evidence_upload_records_file_metadata(superuser_client, world, settings, tmp_path):
    # The admin runs the staff pages' checks: the photo is re-encoded without EXIF, and name,
    # type, size and SHA-256 describe the bytes stored.
    settings.MEDIA_ROOT = tmp_path
    finding = world.entries[0].finding
    photo = SimpleUploadedFile("现场照片.jpg", tiny_jpeg(), "image/jpeg")

    response = superuser_client.post(url(Evidence, "add"), {"finding": finding.pk, "file": photo})

    assert response.status_code == 302
    evidence = Evidence.objects.latest("pk")
    stored = evidence.file.read()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        "现场照片.jpg",
        "image/jpeg",
        len(stored),
    )
    assert evidence.sha256 == hashlib.sha256(stored).hexdigest()
    assert evidence.uploaded_by.username == "root"
    assert evidence.file.name.startswith(f"evidence/finding/{finding.pk}/")
    assert evidence.file.name.endswith("-现场照片.jpg")


def test_admin_evidence_upload_refuses_what_is_not_a_photo(superuser_client, world):
    finding = world.entries[0].finding
    fake = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")
    before = Evidence.objects.count()

    response = superuser_client.post(url(Evidence, "add"), {"finding": finding.pk, "file": fake})

    assert response.status_code == 200
    assert Evidence.objects.count() == before


def test_admin_submission_cannot_be_edited_there(client, world):
    # Triage moves a submission through its workflow table on the staff pages; the admin
    # only shows it (and keeps the identity out of sight without the permission).
    clerk = staff_client(client, "view_submission", "change_submission")
    submission = Submission.objects.get()

    response = clerk.post(
        url(Submission, "change", submission.pk),
        {
            "kind": submission.kind,
            "subject": submission.subject,
            "body": submission.body,
            "unit_name": "",
            "district": submission.district_id,
            "is_anonymous": "on",
            "status": "in_progress",
            "assigned_to": "",
            "public_reply": "",
        },
    )

    assert response.status_code == 403
    submission.refresh_from_db()
    assert (submission.status, submission.is_anonymous) == ("received", False)
    assert (submission.submitter_name, submission.submitter_contact) == (
        PLANTED_NAME,
        PLANTED_CONTACT,
    )
