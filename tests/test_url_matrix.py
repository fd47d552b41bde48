"""Every URL pattern of the project × every role × anonymous, against one table of what each
may get (a GET): the permission scheme seen from outside. A URL without a line in the table
fails the test, so a new page is never added without saying who may open it. It runs with
docs/production.env's settings (tests/conftest.py): DEBUG off, static files by their hashed
names from the manifest, so a page naming a missing file answers 500 here as in production.

Outcomes: ``200`` (or any code shown), ``login`` (a redirect to the staff login), ``admin``
(a redirect to the admin's login), ``302`` (another redirect).
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from core import roles
from core.models import RoleGrant
from publicity.enums import ObjectionDecision
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
from rectification.enums import EventKind
from rectification.models import (
    AccessCode,
    Event,
    EventEvidence,
    InboxMessage,
    Reminder,
    Reply,
)
from registry.models import (
    Accident,
    AuditRecord,
    EnterpriseImport,
    EnterpriseImportRow,
    Evidence,
    Jurisdiction,
    PendingUpload,
)
from tests.factories import (
    BatchFactory,
    EnterpriseFactory,
    EntryFactory,
    FindingFactory,
    InspectionFactory,
    ListedEntryFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "nobody",  # signed in, in no role group
    "inspector",  # city-wide
    "district",  # an inspector of 博罗县: the records below are in 惠城区
    "official",
    "liaison",  # of 市住房和城乡建设局, the case's department
    "supervisor",
    "administrator",
)

# route name: the outcome for each of ROLES, in that order.
EXPECTED: dict[str, str] = {
    # The public site.
    "home": "200 200 200 200 200 200 200 200",
    "public:entry-list": "200 200 200 200 200 200 200 200",
    "public:entry-export-csv": "200 200 200 200 200 200 200 200",
    "public:entry-export-xlsx": "200 200 200 200 200 200 200 200",
    "public:export-job": "200 200 200 200 200 200 200 200",
    "public:export-job-download": "302 302 302 302 302 302 302 302",  # still queued: its page
    "public:removal-log": "200 200 200 200 200 200 200 200",
    "public:entry-detail": "200 200 200 200 200 200 200 200",
    "public:batch-archive": "200 200 200 200 200 200 200 200",
    "public:batch-detail": "200 200 200 200 200 200 200 200",
    "public:batch-notice": "404 404 404 404 404 404 404 404",  # no notice file in this world
    "public:statistics": "200 200 200 200 200 200 200 200",
    "public:feed": "200 200 200 200 200 200 200 200",
    "public:province-map": "200 200 200 200 200 200 200 200",  # a province's map script
    "public:api-statistics": "200 200 200 200 200 200 200 200",
    "public:api-entry-list": "200 200 200 200 200 200 200 200",
    "public:api-entry-detail": "200 200 200 200 200 200 200 200",
    "public:api-batch-list": "200 200 200 200 200 200 200 200",
    "public:api-batch-detail": "200 200 200 200 200 200 200 200",
    "public:api-enterprise-list": "200 200 200 200 200 200 200 200",
    "public:api-enterprise-detail": "200 200 200 200 200 200 200 200",
    "public:api-schema": "200 200 200 200 200 200 200 200",
    "public:api-docs": "200 200 200 200 200 200 200 200",
    "submissions:new": "200 200 200 200 200 200 200 200",
    "submissions:status": "200 200 200 200 200 200 200 200",
    "healthz": "200 200 200 200 200 200 200 200",
    "readyz": "200 200 200 200 200 200 200 200",
    "favicon": "302 302 302 302 302 302 302 302",
    "set_language": "302 302 302 302 302 302 302 302",
    "staff-login": "200 200 200 200 200 200 200 200",
    "staff-logout": "405 405 405 405 405 405 405 405",
    # The second factor: nobody here has a device, so verify sends on to enrol.
    "staff-otp-verify": "login 302 302 302 302 302 302 302",
    "staff-otp-enrol": "login 403 200 200 200 200 200 200",
    # One's own password (and the change an administrator may require at the next login).
    "staff-password-change": "login 200 200 200 200 200 200 200",
    # The unit's own channel (no session code here: back to its login).
    "rectification-unit:login": "200 200 200 200 200 200 200 200",
    "rectification-unit:case": "302 302 302 302 302 302 302 302",
    "rectification-unit:progress": "405 405 405 405 405 405 405 405",
    "rectification-unit:application": "405 405 405 405 405 405 405 405",
    "rectification-unit:reply": "405 405 405 405 405 405 405 405",
    "rectification-unit:logout": "405 405 405 405 405 405 405 405",
    # The staff area.
    "staff-dashboard": "login 403 200 200 200 200 200 200",
    "submissions:triage-list": "login 403 403 403 200 403 403 200",
    "submissions:triage-detail": "login 403 403 403 200 403 403 200",
    "registry:enterprise-list": "login 403 200 200 200 200 200 403",
    "registry:enterprise-create": "login 403 200 200 403 403 403 403",
    "registry:enterprise-detail": "login 403 200 404 200 200 200 403",
    "registry:enterprise-edit": "login 403 200 404 403 403 403 403",
    "registry:inspection-create": "login 403 200 404 403 403 403 403",
    "registry:enterprise-import": "login 403 200 200 403 403 403 403",
    "registry:enterprise-import-detail": "login 403 200 404 403 403 403 403",
    "registry:enterprise-import-progress": "login 403 200 404 403 403 403 403",
    "registry:enterprise-import-confirm": "405 405 405 405 405 405 405 405",
    "registry:enterprise-import-template": "login 403 200 200 403 403 403 403",
    "registry:inspection-list": "login 403 200 200 200 403 403 403",
    # The unit to inspect, by credit code in the province's register (no record shown).
    "registry:inspection-start": "login 403 200 200 403 403 403 403",
    "registry:inspection-detail": "login 403 200 404 200 403 403 403",
    "registry:inspection-edit": "login 403 200 404 403 403 403 403",
    "registry:evidence": "login 403 200 404 200 403 403 403",
    "registry:accident-list": "login 403 200 200 200 403 200 403",
    "registry:accident-create": "login 403 200 200 403 403 403 403",
    "registry:accident-detail": "login 403 200 404 200 403 200 403",
    "registry:accident-edit": "login 403 200 404 403 403 403 403",
    "rectification:case-list": "login 403 200 200 200 200 200 403",
    "rectification:inbox": "login 403 200 200 200 200 200 200",
    "rectification:inbox-read-all": "login 403 405 405 405 405 405 405",
    "rectification:inbox-open": "login 403 405 405 405 405 405 405",
    "rectification:case-detail": "login 403 200 404 200 200 200 403",
    "rectification:case-progress": "login 403 405 405 405 405 405 403",
    "rectification:case-application": "login 403 405 405 405 405 405 403",
    "rectification:case-reinspection": "login 403 405 405 405 405 405 403",
    "rectification:case-extension": "login 403 405 405 405 405 405 403",
    "rectification:case-supervision": "login 403 405 405 405 405 405 403",
    "rectification:case-contact": "login 403 405 405 405 405 405 403",
    "rectification:case-letter": "login 403 405 405 405 405 405 403",
    "rectification:case-letter-download": "login 403 404 404 404 404 404 403",
    "rectification:case-evidence": "login 403 200 404 200 200 200 403",
    # The units' replies: moderated by whoever acts on the case in its scope.
    "rectification:reply-list": "login 403 200 200 200 200 403 403",
    "rectification:reply-detail": "login 403 200 404 200 200 403 403",
    "rectification:reply-attachment": "login 403 200 404 200 200 403 403",
    "publicity:batch-list": "login 403 200 200 200 403 200 403",
    "publicity:batch-new": "405 405 405 405 405 405 405 405",
    "publicity:approval-queue": "login 403 403 403 200 403 403 403",
    "publicity:objection-queue": "login 403 200 200 200 403 403 403",
    "publicity:objection-decide": "login 403 200 404 200 403 403 403",
    "publicity:objection-evidence": "login 403 404 404 404 403 403 403",
    "publicity:erratum-decide": "405 405 405 405 405 405 405 405",
    "publicity:batch-detail": "login 403 200 404 200 403 200 403",
    "publicity:batch-compose": "login 403 200 404 403 403 403 403",
    "publicity:batch-review": "login 403 200 404 200 403 200 403",
    "publicity:batch-submit": "405 405 405 405 405 405 405 405",
    "publicity:batch-reopen": "405 405 405 405 405 405 405 405",
    "publicity:batch-approve": "405 405 405 405 405 405 405 405",
    "publicity:batch-return": "405 405 405 405 405 405 405 405",
    "publicity:batch-finalise": "405 405 405 405 405 405 405 405",
    "publicity:batch-publish": "login 403 403 404 403 403 403 403",  # notice period not over
    "publicity:batch-preview": "login 403 202 404 202 403 202 403",
    "publicity:batch-notice": "login 403 404 404 404 403 404 403",
    "publicity:media-report-new": "login 403 200 404 200 403 403 403",
    "publicity:entry-edit": "login 403 200 404 403 403 403 403",
    "publicity:entry-move": "405 405 405 405 405 405 405 405",
    "publicity:entry-remove": "405 405 405 405 405 405 405 405",
    "publicity:entry-letter": "login 403 200 404 200 403 200 403",
    "publicity:objection-new": "login 403 200 404 200 403 403 403",
    "publicity:erratum-new": "login 403 200 404 200 403 403 403",
    "publicity:entry-remove-early": "login 403 403 404 200 403 403 403",
    # The admin's own pages (its model pages follow ADMIN_MODELS below).
    "admin:index": "admin admin admin admin admin admin admin 200",
    "admin:login": "200 200 200 200 200 200 200 302",
    "admin:logout": "302 302 302 302 302 302 302 405",
    "admin:password_change": "admin admin admin admin admin admin admin 200",
    "admin:password_change_done": "admin admin admin admin admin admin admin 200",
    "admin:autocomplete": "admin admin admin admin admin admin admin 403",
    "admin:jsi18n": "admin admin admin admin admin admin admin 200",
    "admin:view_on_site": "admin admin admin admin admin admin admin 404",
    "admin:app_list": "admin admin admin admin admin admin admin 200",
    # Another person's password (the first account's, here) is never set in the admin:
    # an administrator requires a change at the next login instead.
    "admin:auth_user_password_change": "admin admin admin admin admin admin admin 403",
}

# What the administrator may do in the admin, by model: "edit" (every page), "add" (view and
# add, no change), "view" (list and page only), "none" (403). Everyone else is sent to the
# admin's login: the admin is for administrators (core.admin_site).
ADMIN_MODELS: dict[str, str] = {
    "auth.group": "view",
    "auth.user": "edit-no-delete",
    "core.calendaryear": "edit",
    # Requests for roles that approve or administer: another administrator decides them
    # there (its actions), nobody edits them.
    "core.rolegrant": "view",
    "registry.jurisdiction": "edit",
    "registry.authority": "edit",
    "registry.industry": "edit",
    "registry.department": "edit",
    "registry.legalprovision": "edit",
    "registry.staffprofile": "edit",
    "registry.enterprise": "none",
    "registry.inspection": "none",
    "registry.finding": "none",
    "registry.evidence": "none",
    "registry.accident": "none",
    "registry.auditrecord": "none",
    "registry.pendingupload": "none",
    "registry.enterpriseimport": "none",
    "registry.enterpriseimportrow": "none",
    "rectification.case": "none",
    "rectification.event": "none",
    "rectification.eventevidence": "none",
    "rectification.reminder": "none",
    "rectification.inboxmessage": "none",
    "rectification.accesscode": "none",
    "rectification.reply": "none",
    "publicity.batch": "none",
    "publicity.batchtransition": "none",
    "publicity.entry": "none",
    "publicity.objection": "none",
    "publicity.erratum": "none",
    "publicity.mediareport": "none",
    "publicity.submission": "view",
    "publicity.priornoticeletter": "none",
    "publicity.publicationjob": "none",
    "publicity.exportjob": "none",
    # The home page's and the statistics' tallies, kept by database triggers (superusers see them).
    "publicity.entrytally": "none",
    "publicity.entryfiguretally": "none",
    "publicity.casetally": "none",
    "publicity.exposedunit": "none",
    "publicity.exposedunittally": "none",
    # A lost phone's device is deleted by a superuser.
    "otp_totp.totpdevice": "none",
}
ADMIN_PAGE_OUTCOME = {
    # page: outcome for the administrator by what it may do with the model
    "changelist": {"edit": 200, "edit-no-delete": 200, "view": 200, "none": 403},
    "add": {"edit": 200, "edit-no-delete": 200, "view": 403, "none": 403},
    "change": {"edit": 200, "edit-no-delete": 200, "view": 200, "none": 403},
    "history": {"edit": 200, "edit-no-delete": 200, "view": 200, "none": 403},
    "delete": {"edit": 200, "edit-no-delete": 403, "view": 403, "none": 403},
    # The TOTP device's own pages (its otpauth link and QR code).
    "config": {"edit": 200, "edit-no-delete": 200, "view": 200, "none": 403},
    "qrcode": {"edit": 200, "edit-no-delete": 200, "view": 200, "none": 403},
}


def _patterns(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            name = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), name)
        elif isinstance(pattern, URLPattern):
            full = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            if full is None and namespace == "admin":
                # The admin's unnamed "<id>/" pattern of each model: a redirect to its change
                # page, named here by the model's URL prefix.
                full = f"admin:redirect:{prefix}{pattern.pattern}"
            yield prefix + str(pattern.pattern), full, pattern


@pytest.fixture
def world(settings, tmp_path):
    """One record of every kind a staff URL names, in 惠城区 (441302)."""
    settings.MEDIA_ROOT = tmp_path
    people = SimpleNamespace(
        nobody=User.objects.create_user("nobody"),
        inspector=staff_user("inspector", roles.INSPECTOR),
        district=staff_user("district", roles.INSPECTOR, jurisdiction="441322"),
        official=staff_user("official", roles.OFFICIAL),
        official2=staff_user("official2", roles.OFFICIAL),
        liaison=staff_user("liaison", roles.LIAISON, department="city_housing"),
        supervisor=staff_user("supervisor", roles.SUPERVISOR),
        administrator=staff_user("administrator", roles.ADMINISTRATOR),
    )
    RoleGrant.objects.create(
        user=people.nobody,
        group=Group.objects.get(name=roles.OFFICIAL),
        requested_by=people.administrator,
        requested_at=timezone.now(),
    )
    huicheng = Jurisdiction.objects.get(code="441302")
    enterprise = EnterpriseFactory(jurisdiction=huicheng)
    inspection = InspectionFactory(enterprise=enterprise, created_by=people.inspector)
    finding = FindingFactory(inspection=inspection)
    evidence = Evidence.objects.create(
        finding=finding,
        file=ContentFile(b"%PDF-1.4 x", name="e.pdf"),
        original_name="e.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=people.inspector,
    )
    accident = Accident.objects.create(
        date=datetime.date(2009, 5, 1), jurisdiction=huicheng, enterprise=enterprise, kind="other"
    )
    draft = BatchFactory(composed_by=people.inspector)
    draft_entry = EntryFactory(batch=draft, finding=finding)
    approved = BatchFactory(
        composed_by=people.inspector,
        status="approved",
        year=2009,
        number=1,
        approved_by=people.official2,
        approved_at=timezone.now(),
        notice_period_ends=timezone.localdate(),
    )
    approved_entry = EntryFactory(batch=approved, finding=FindingFactory(inspection=inspection))
    PriorNoticeLetter.objects.create(
        entry=approved_entry, file=ContentFile(b"%PDF-1.4 l", name="l.pdf"), sha256="1" * 64
    )
    objection = Objection.objects.create(
        entry=approved_entry,
        received_on=timezone.localdate(),
        statement="已整改",
        recorded_by=people.inspector,
        decision=ObjectionDecision.PENDING,
    )
    listed = ListedEntryFactory(
        finding=FindingFactory(inspection=inspection),
        batch__composed_by=people.inspector,
        batch__approved_by=people.official2,
    )
    published = listed.batch
    case = listed.case
    event = Event.objects.create(case=case, kind=EventKind.PROGRESS, text="整改", is_public=True)
    case_evidence = EventEvidence.objects.create(
        event=event,
        file=ContentFile(b"%PDF-1.4 c", name="c.pdf"),
        original_name="c.pdf",
        content_type="application/pdf",
        size=10,
        sha256="2" * 64,
    )
    erratum = Erratum.objects.create(
        entry=listed, kind="correct", corrections={"address": "新"}, reason="笔误",
        author=people.official2,
    )  # fmt: skip
    submission = Submission.objects.create(
        kind="report", tracking_code="AAAA-BBBB-CCCC-DDDD", subject="s", body="b",
        district=huicheng,
    )  # fmt: skip
    enterprise_import = EnterpriseImport.objects.create(
        uploaded_by=people.inspector,
        file=ContentFile(b"x", name="i.csv"),
        original_name="i.csv",
        status="ready",
    )
    EnterpriseImportRow.objects.create(
        enterprise_import=enterprise_import, row=2, fields={"name": "惠城区导入一厂"}
    )
    reply = Reply.objects.create(
        case=case,
        text="我单位已整改",
        attachment=ContentFile(b"%PDF-1.4 r", name="r.pdf"),
        attachment_name="r.pdf",
        attachment_type="application/pdf",
    )
    message = InboxMessage.objects.create(
        recipient=people.liaison, case=case, subject="提醒", body="b"
    )
    # A row of each kind only the system writes, so their admin pages name a real object.
    BatchTransition.objects.create(
        batch=published, from_status="finalised", to_status="published", by=people.official
    )
    MediaReport.objects.create(outlet="惠州日报", date=datetime.date(2009, 4, 1), headline="h")
    PublicationJob.objects.create(batch=approved, kind="letters")
    AccessCode.objects.create(case=case, code_hash="3" * 64)
    Reminder.objects.create(case=case, kind="before_deadline", occasion="7")
    AuditRecord.objects.create(
        content_type=ContentType.objects.get_for_model(enterprise),
        object_id=enterprise.pk,
        action="created",
        actor=people.inspector,
    )
    PendingUpload.objects.create(
        owner=people.inspector,
        file=ContentFile(b"x", name="p.pdf"),
        original_name="p.pdf",
        content_type="application/pdf",
        size=1,
        sha256="4" * 64,
    )
    export_job = ExportJob.objects.create(key="0" * 64, format="csv", language="zh-hans")
    kwargs = {
        "public:export-job": {"token": export_job.token},
        "public:export-job-download": {"token": export_job.token},
        "public:entry-detail": {"pk": listed.pk},
        "public:batch-detail": {"pk": published.pk},
        "public:batch-notice": {"pk": published.pk},
        "public:province-map": {"code": "440000"},
        "public:api-entry-detail": {"pk": listed.pk},
        "public:api-batch-detail": {"pk": published.pk},
        "public:api-enterprise-detail": {"pk": enterprise.pk},
        "submissions:triage-detail": {"pk": submission.pk},
        "registry:enterprise-detail": {"pk": enterprise.pk},
        "registry:enterprise-edit": {"pk": enterprise.pk},
        "registry:inspection-create": {"enterprise_pk": enterprise.pk},
        "registry:enterprise-import-detail": {"pk": enterprise_import.pk},
        "registry:enterprise-import-progress": {"pk": enterprise_import.pk},
        "registry:enterprise-import-confirm": {"pk": enterprise_import.pk},
        "registry:enterprise-import-template": {"fmt": "csv"},
        "registry:inspection-detail": {"pk": inspection.pk},
        "registry:inspection-edit": {"pk": inspection.pk},
        "registry:evidence": {"pk": evidence.pk},
        "registry:accident-detail": {"pk": accident.pk},
        "registry:accident-edit": {"pk": accident.pk},
        "rectification:inbox-open": {"message_id": message.pk},
        "rectification:case-evidence": {"pk": case.pk, "evidence_id": case_evidence.pk},
        "rectification:reply-detail": {"reply_id": reply.pk},
        "rectification:reply-attachment": {"reply_id": reply.pk},
        "publicity:objection-decide": {"pk": objection.pk},
        "publicity:objection-evidence": {"pk": objection.pk},
        "publicity:erratum-decide": {"pk": erratum.pk},
        "publicity:batch-compose": {"pk": draft.pk},
        "publicity:batch-submit": {"pk": draft.pk},
        "publicity:batch-reopen": {"pk": draft.pk},
        "publicity:batch-preview": {"pk": draft.pk},
        "publicity:batch-approve": {"pk": approved.pk},
        "publicity:batch-return": {"pk": approved.pk},
        "publicity:batch-review": {"pk": approved.pk},
        "publicity:batch-finalise": {"pk": approved.pk},
        "publicity:batch-publish": {"pk": approved.pk},
        "publicity:entry-edit": {"pk": draft_entry.pk},
        "publicity:entry-move": {"pk": draft_entry.pk},
        "publicity:entry-remove": {"pk": draft_entry.pk},
        "publicity:entry-letter": {"pk": approved_entry.pk},
        "publicity:objection-new": {"pk": approved_entry.pk},
        "publicity:erratum-new": {"pk": listed.pk},
        "publicity:entry-remove-early": {"pk": listed.pk},
        "admin:app_list": {"app_label": "registry"},
        "admin:view_on_site": {"content_type_id": 1, "object_id": 1},
        "admin:auth_user_password_change": {"id": people.administrator.pk},
    }
    # Every other route with a pk names the case (rectification) or the published batch.
    return SimpleNamespace(people=people, kwargs=kwargs, case=case, published=published)


def _url(world, name, pattern) -> str:
    if name in world.kwargs:
        return reverse(name, kwargs=world.kwargs[name])
    if name.startswith("rectification:case-") and "<int:pk>" in pattern:
        return reverse(name, kwargs={"pk": world.case.pk})
    if name.startswith("publicity:") and "<int:pk>" in pattern:
        return reverse(name, kwargs={"pk": world.published.pk})
    return reverse(name)


def _outcome(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("staff-login")):
            return "login"
        if location.startswith(reverse("admin:login")):
            return "admin"
    return str(response.status_code)


def _admin_expected(name: str) -> str | None:
    """The expected line of an admin model page, from ADMIN_MODELS; None if not one."""
    if name == "admin:redirect:admin/(?P<url>.*)$":  # the admin's catch-all: no such page
        return " ".join(["admin"] * (len(ROLES) - 1) + ["404"])
    if name.startswith("admin:redirect:"):
        return " ".join(["admin"] * (len(ROLES) - 1) + ["302"])
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            page = name.removeprefix(prefix)
            label = model._meta.label_lower
            if label not in ADMIN_MODELS:
                return f"no ADMIN_MODELS line for {label}"
            if page not in ADMIN_PAGE_OUTCOME:
                return f"no ADMIN_PAGE_OUTCOME line for {page}"
            administrator = ADMIN_PAGE_OUTCOME[page][ADMIN_MODELS[label]]
            return " ".join(["admin"] * (len(ROLES) - 1) + [str(administrator)])
    return None


def _admin_model_url(name: str) -> str:
    if name.startswith("admin:redirect:"):
        # "admin/registry/enterprise/<path:object_id>/": any id redirects to its change page.
        path = name.removeprefix("admin:redirect:").replace("<path:object_id>", "1")
        return "/" + path.replace("(?P<url>.*)$", "no-such-page/")
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            page = name.removeprefix(prefix)
            if page in ("changelist", "add"):
                return reverse(name)
            obj = model._default_manager.order_by("pk").first()
            if obj is None:  # a model with no row: any id answers the same way
                return reverse(name, args=[999999])
            return reverse(name, args=[obj.pk])
    raise AssertionError(name)


def test_every_url_pattern_has_a_line_in_the_table():
    missing = []
    for pattern, name, _view in _patterns(get_resolver().url_patterns):
        if name is None:
            missing.append(pattern)
        elif name not in EXPECTED and _admin_expected(name) is None:
            missing.append(name)
    assert missing == []
    admin_models = {model._meta.label_lower for model in admin.site._registry}
    assert admin_models == set(ADMIN_MODELS)


def _every_answer(client, world):
    """(role, route name, URL, response) of a GET of every URL pattern by every role."""
    rows = [(name, pattern) for pattern, name, _view in _patterns(get_resolver().url_patterns)]
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(getattr(world.people, role))
        for name, pattern in rows:
            admin_line = _admin_expected(name)
            url = _admin_model_url(name) if admin_line else _url(world, name, pattern)
            yield role, name, url, client.get(url)


def test_the_matrix_runs_with_production_settings(settings):
    # tests/conftest.py: docs/production.env's settings for the whole suite, static files
    # linked by their hashed names from the manifest (a missing file is a 500 there).
    assert settings.DEBUG is False
    assert settings.STATICFILES_MANIFEST is True
    assert settings.STORAGES["staticfiles"]["BACKEND"].endswith("ManifestStaticFilesStorage")


STATIC_LINK = re.compile(r"""(?:href|src)=["'](/static/[^"'?#]+)""")


def _missing_static_files(response, settings) -> list[str]:
    """The static files an HTML page links that are not among the collected files."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return []
    root = Path(settings.STATIC_ROOT)
    return [
        link
        for link in STATIC_LINK.findall(response.content.decode())
        if not (root / link.removeprefix(settings.STATIC_URL)).is_file()
    ]


def test_every_url_pattern_answers_each_role_as_the_table_says(client, world, settings):
    got: dict[str, list[str]] = {}
    missing: dict[str, list[str]] = {}
    for _role, name, url, response in _every_answer(client, world):
        got.setdefault(name, []).append(_outcome(response))
        if links := _missing_static_files(response, settings):
            missing[url] = links
    # Every stylesheet, script and icon a page links is served (whitenoise: STATIC_ROOT).
    assert missing == {}
    rows = [name for _pattern, name, _view in _patterns(get_resolver().url_patterns)]
    expected = {name: EXPECTED.get(name) or _admin_expected(name) for name in rows}
    observed = {name: " ".join(outcomes) for name, outcomes in got.items()}
    wrong = {
        name: f"expected {expected[name]}, got {observed[name]}"
        for name in observed
        if observed[name] != expected[name]
    }
    assert wrong == {}


def test_no_page_answers_any_role_with_a_server_error_with_the_second_factor_required(
    world, settings
):
    """docs/production.env may require the second factor (OTP_REQUIRED): officials and
    administrators without a device are sent to enrol from every staff page, and nothing
    answers 5xx. The client gives a 500 as a response here rather than raising it."""
    from django.test import Client

    settings.OTP_REQUIRED = True
    client = Client(raise_request_exception=False)
    errors = [
        f"{role} {url}: {response.status_code}"
        for role, _name, url, response in _every_answer(client, world)
        if response.status_code >= 500
    ]
    assert errors == []


def test_the_table_names_only_existing_permissions():
    # The table's roles are the migration's groups: each holds what the table assumes.
    assert Permission.objects.filter(codename="use_admin").count() == 1


# --- Two authorities -------------------------------------------------------------------------

STAFF_ROLES = ("inspector", "district", "official", "liaison", "supervisor", "administrator")


@pytest.fixture
def second_city(world):
    """The world's city (惠州市) put under its province (广东省) with a second city beside it
    (深圳市), whose staff hold each of the world's roles there."""
    from registry.enums import JurisdictionLevel
    from registry.models import Authority, Department

    guangdong = Jurisdiction.objects.create(
        code="440000", name="广东省", level=JurisdictionLevel.PROVINCE
    )
    huizhou = Jurisdiction.objects.get(code="441300")
    huizhou.parent = guangdong
    huizhou.save()
    shenzhen = Jurisdiction.objects.create(
        code="440300", name="深圳市", level=JurisdictionLevel.CITY, parent=guangdong
    )
    Jurisdiction.objects.create(
        code="440304", name="福田区", level=JurisdictionLevel.DISTRICT, parent=shenzhen
    )
    Authority.objects.create(jurisdiction=shenzhen, name="深圳市应急管理局")
    Department.objects.create(code="sz_housing", name="深圳市住房和建设局", jurisdiction=shenzhen)
    return SimpleNamespace(
        inspector=staff_user("sz-inspector", roles.INSPECTOR, jurisdiction="440300"),
        district=staff_user("sz-district", roles.INSPECTOR, jurisdiction="440304"),
        official=staff_user("sz-official", roles.OFFICIAL, jurisdiction="440300"),
        liaison=staff_user(
            "sz-liaison", roles.LIAISON, jurisdiction="440300", department="sz_housing"
        ),
        supervisor=staff_user("sz-supervisor", roles.SUPERVISOR, jurisdiction="440300"),
        administrator=staff_user("sz-administrator", roles.ADMINISTRATOR, jurisdiction="440300"),
    )


def _record_routes(world):
    """The staff routes that name one record of the world (all in 惠城区, 惠州市)."""
    for pattern, name, _view in _patterns(get_resolver().url_patterns):
        if name is None or name.startswith(("admin:", "public:", "rectification-unit:")):
            continue
        if "<" not in pattern or name == "registry:enterprise-import-template":  # not a record
            continue
        url = _url(world, name, pattern)
        yield name, url


def test_no_staff_member_of_another_city_opens_a_record_of_this_one(client, world, second_city):
    # Each role of 深圳市, at every staff page naming one of 惠州市's records (a draft, a case,
    # a reporter's submission, an evidence file, a letter...): never the record. Where the
    # same role of 惠州市 opens it, the other city's member is told it does not exist (404),
    # as another district's record is; a move's page is refused before it is offered.
    routes = list(_record_routes(world))
    assert len(routes) > 40
    wrong = {}
    for role in STAFF_ROLES:
        client.force_login(getattr(second_city, role))
        for name, url in routes:
            # What the same role of 惠州市 gets (the table above, held by the test above).
            own = EXPECTED[name].split()[ROLES.index(role)]
            status = client.get(url).status_code
            if status == 200 or (own == "200" and status != 404):
                wrong[f"{role} {name}"] = f"{own} in 惠州市, {status} from 深圳市"
    assert wrong == {}
    # The record routes cover what the issue names: drafts, cases, submissions, evidence.
    names = {name for name, _url in routes}
    assert {
        "publicity:batch-detail",
        "rectification:case-detail",
        "submissions:triage-detail",
        "registry:evidence",
        "rectification:case-evidence",
        "publicity:entry-letter",
    } <= names
