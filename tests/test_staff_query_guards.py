"""Query-count guards on every staff page at two data sizes: each page that staff open (the
lists, queues and dashboards, a record's page, the forms about a record) makes the same
number of queries with one row of every kind as with three, for every role that may open it
(tests/test_url_matrix.py says who may open what).

The data are built once for the module (one row of each kind, then two more of each: rows of
every list, and children of every record a page shows: an enterprise's inspections and
entries, an inspection's findings, a batch's entries, a case's events, replies and
reminders), each page asked twice at each size by each role, the second answer counted.
Each page's test then compares its two counts. A page whose count grows with the data is
marked ``xfail(strict=True)`` with the reason, until it is fixed.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from core import roles
from publicity.enums import BatchStatus, ErratumStatus, ObjectionDecision
from publicity.models import (
    BatchTransition,
    Erratum,
    MediaReport,
    Objection,
    PriorNoticeLetter,
    Submission,
)
from rectification.enums import CaseStatus, EventKind, ReminderDelivery
from rectification.models import AccessCode, Event, EventEvidence, InboxMessage, Reminder, Reply
from registry.models import (
    Accident,
    AuditRecord,
    EnterpriseImport,
    EnterpriseImportRow,
    Evidence,
    Jurisdiction,
)
from tests.factories import (
    BatchFactory,
    EnterpriseFactory,
    EntryFactory,
    FindingFactory,
    InspectionFactory,
    ListedEntryFactory,
    PublishedBatchFactory,
    staff_user,
)

pytestmark = pytest.mark.django_db

ROLES = ("inspector", "district", "official", "liaison", "supervisor", "administrator")

# Every staff page that shows data, by route name, with the record its URL names ("" for a
# list) and, for a list with work queues, the queue asked. A page answered 200 to no role
# fails the test: every page here is measured for somebody.
PAGES: dict[str, tuple[str, dict[str, str]]] = {
    "staff-dashboard": ("", {}),
    "submissions:triage-list": ("", {}),
    "submissions:triage-detail": ("submission", {}),
    "registry:enterprise-list": ("", {}),
    "registry:enterprise-create": ("", {}),
    "registry:enterprise-detail": ("enterprise", {}),
    "registry:enterprise-edit": ("enterprise", {}),
    "registry:inspection-create": ("enterprise", {}),
    "registry:enterprise-import": ("", {}),
    "registry:enterprise-import-detail": ("enterprise_import", {}),
    "registry:enterprise-import-progress": ("enterprise_import", {}),
    "registry:inspection-list": ("", {}),
    "registry:inspection-start": ("", {}),
    "registry:inspection-detail": ("inspection", {}),
    "registry:inspection-edit": ("inspection", {}),
    "registry:accident-list": ("", {}),
    "registry:accident-create": ("", {}),
    "registry:accident-detail": ("accident", {}),
    "registry:accident-edit": ("accident", {}),
    "rectification:case-list": ("", {}),
    "rectification:case-list?queue=active": ("", {"queue": "active"}),
    "rectification:case-list?queue=applications": ("", {"queue": "applications"}),
    "rectification:case-list?queue=overdue": ("", {"queue": "overdue"}),
    "rectification:case-list?queue=supervision": ("", {"queue": "supervision"}),
    "rectification:case-list?queue=undeliverable": ("", {"queue": "undeliverable"}),
    "rectification:inbox": ("", {}),
    "rectification:case-detail": ("case", {}),
    "rectification:reply-list": ("", {}),
    "rectification:reply-detail": ("reply", {}),
    "publicity:batch-list": ("", {}),
    "publicity:approval-queue": ("", {}),
    "publicity:objection-queue": ("", {}),
    "publicity:objection-decide": ("objection", {}),
    "publicity:batch-detail": ("published", {}),
    "publicity:batch-detail?approved": ("approved", {}),
    "publicity:batch-detail?draft": ("draft", {}),
    "publicity:batch-compose": ("draft", {}),
    "publicity:batch-review": ("approved", {}),
    "publicity:media-report-new": ("published", {}),
    "publicity:entry-edit": ("draft_entry", {}),
    "publicity:objection-new": ("approved_entry", {}),
    "publicity:erratum-new": ("listed_entry", {}),
    "publicity:entry-remove-early": ("listed_entry", {}),
}

# Pages whose count grows with the data today, and why (none now; a page added here is
# marked strict xfail, so its fix shows).
GROWING: dict[str, str] = {}


def _kwargs(route: str, record: object) -> dict[str, int]:
    if route == "registry:inspection-create":
        return {"enterprise_pk": record.pk}  # type: ignore[attr-defined]
    if route == "rectification:reply-detail":
        return {"reply_id": record.pk}  # type: ignore[attr-defined]
    return {"pk": record.pk}  # type: ignore[attr-defined]


def _people() -> SimpleNamespace:
    return SimpleNamespace(
        inspector=staff_user("guard-inspector", roles.INSPECTOR),
        # A district inspector of the district every record below is in (惠城区).
        district=staff_user("guard-district", roles.INSPECTOR, jurisdiction="441302"),
        official=staff_user("guard-official", roles.OFFICIAL),
        official2=staff_user("guard-official2", roles.OFFICIAL),
        liaison=staff_user("guard-liaison", roles.LIAISON, department="city_housing"),
        supervisor=staff_user("guard-supervisor", roles.SUPERVISOR),
        administrator=staff_user("guard-administrator", roles.ADMINISTRATOR),
    )


def _grow(w, k):
    """Add one row of every kind: a new row of each list, and a child of each record a page
    shows (the first of each kind, kept in ``w``). ``k`` numbers the step, from 1."""
    p = w.people
    now = timezone.now()
    huicheng = Jurisdiction.objects.get(code="441302")
    first = k == 1

    # The register: an enterprise; an inspection of the first one with a finding (on the
    # first inspection), its evidence; an accident of the first enterprise.
    enterprise = EnterpriseFactory()
    if first:
        w.enterprise = enterprise
    inspection = InspectionFactory(enterprise=w.enterprise, created_by=p.inspector)
    if first:
        w.inspection = inspection
    finding = FindingFactory(inspection=w.inspection)  # proposed, in no batch: the pool's
    Evidence.objects.create(
        finding=finding,
        file=ContentFile(b"%PDF-1.4 x", name="e.pdf"),
        original_name="e.pdf",
        content_type="application/pdf",
        size=10,
        sha256=f"{k:064d}",
        uploaded_by=p.inspector,
    )
    accident = Accident.objects.create(
        date=datetime.date(2009, 5, k), jurisdiction=huicheng, enterprise=w.enterprise,
        kind="other", deaths=k,
    )  # fmt: skip
    if first:
        w.accident = accident
    AuditRecord.objects.create(
        content_type_id=_content_type_id(w.enterprise),
        object_id=w.enterprise.pk,
        action="changed",
        actor=p.inspector,
        changes={"address": {"old": "旧", "new": f"新{k}"}},
    )

    def fresh_finding():
        # A unit is in a batch once: a batch's rows are each of another enterprise.
        return FindingFactory(inspection=InspectionFactory(enterprise=EnterpriseFactory()))

    def finding_of_first_enterprise():
        return FindingFactory(inspection=InspectionFactory(enterprise=w.enterprise))

    # Batches: a draft (the first one grows), a submitted one, an approved one (the first
    # grows, each entry with a letter and an objection), a published one (the first grows,
    # each entry with its case and a pending erratum).
    draft = BatchFactory(composed_by=p.inspector)
    if first:
        w.draft = draft
    draft_entry = EntryFactory(batch=w.draft, finding=fresh_finding(), position=k)
    if first:
        w.draft_entry = draft_entry
    submitted = BatchFactory(
        composed_by=p.inspector, status=BatchStatus.SUBMITTED, submitted_at=now
    )
    EntryFactory(batch=submitted, finding=finding_of_first_enterprise(), position=1)
    if first:
        w.approved = BatchFactory(
            composed_by=p.inspector, status=BatchStatus.APPROVED, year=2009, number=1,
            approved_by=p.official2, approved_at=now,
            notice_period_ends=timezone.localdate() + datetime.timedelta(days=5),
        )  # fmt: skip
        w.published = PublishedBatchFactory(
            composed_by=p.inspector, approved_by=p.official2, number=2
        )
    approved_entry = EntryFactory(batch=w.approved, finding=fresh_finding(), position=k)
    if first:
        w.approved_entry = approved_entry
    PriorNoticeLetter.objects.create(
        entry=approved_entry, file=ContentFile(b"%PDF-1.4 l", name="l.pdf"), sha256="1" * 64
    )
    objection = Objection.objects.create(
        entry=approved_entry, received_on=timezone.localdate(), statement="已整改",
        recorded_by=p.inspector, decision=ObjectionDecision.PENDING,
    )  # fmt: skip
    if first:
        w.objection = objection

    # Cases in every queue: an overdue open one, one awaiting re-inspection, an escalated
    # one with a deadline to come and an undeliverable reminder.
    statuses = [
        (CaseStatus.OPEN, datetime.date(2009, 4, 30), None),
        (CaseStatus.REINSPECTION_REQUESTED, datetime.date(2009, 4, 30), None),
        (CaseStatus.OPEN, timezone.localdate() + datetime.timedelta(days=30), now),
    ]
    for index, (status, deadline, escalated_at) in enumerate(statuses):
        entry = ListedEntryFactory(
            batch=w.published,
            finding=fresh_finding(),
            position=3 * (k - 1) + index + 1,
            case__status=status,
            case__deadline=deadline,
            case__escalated_at=escalated_at,
        )
        if first and index == 0:
            w.listed_entry, w.case = entry, entry.case
        Erratum.objects.create(
            entry=entry, kind="correct", status=ErratumStatus.SUBMITTED,
            corrections={"address": f"新地址{k}"}, reason="笔误", author=p.inspector,
        )  # fmt: skip
        Reminder.objects.create(
            case=entry.case, kind="overdue", occasion=f"{k}-{index}",
            delivery=ReminderDelivery.UNDELIVERABLE,
        )  # fmt: skip
        AccessCode.objects.create(case=entry.case, code_hash=f"{k}{index}".rjust(64, "0"))
        if index:  # a reply awaiting moderation (the first case's are below)
            Reply.objects.create(case=entry.case, text=f"已整改{k}-{index}")
    # The first enterprise's entries and cases, one a batch.
    ListedEntryFactory(
        batch=PublishedBatchFactory(
            composed_by=p.inspector, approved_by=p.official2, number=10 + k
        ),
        finding=finding_of_first_enterprise(),
        position=1,
    )
    # The first case's timeline, replies, reminders; everyone's inbox.
    event = Event.objects.create(
        case=w.case, kind=EventKind.PROGRESS, text=f"整改{k}", is_public=True, actor=p.inspector
    )
    EventEvidence.objects.create(
        event=event, file=ContentFile(b"%PDF-1.4 c", name="c.pdf"), original_name="c.pdf",
        content_type="application/pdf", size=10, sha256=f"{k:064d}",
    )  # fmt: skip
    # One reply of a case awaits moderation at a time: the first; the others were published.
    decided = {} if first else {
        "status": "published", "published_text": f"我单位已整改{k}", "decided_at": now,
        "decided_by": p.official,
    }  # fmt: skip
    reply = Reply.objects.create(
        case=w.case, text=f"我单位已整改{k}",
        attachment=ContentFile(b"%PDF-1.4 r", name="r.pdf"), attachment_name="r.pdf",
        attachment_type="application/pdf", **decided,
    )  # fmt: skip
    if first:
        w.reply = reply
    Reminder.objects.create(case=w.case, kind="before_deadline", occasion=str(k))
    for person in vars(p).values():
        InboxMessage.objects.create(recipient=person, case=w.case, subject=f"提醒{k}", body="b")
    report = MediaReport.objects.create(
        outlet="惠州日报", date=datetime.date(2009, 4, k), headline=f"回访{k}", batch=w.published
    )
    report.entries.set(w.published.entries.all())
    BatchTransition.objects.create(
        batch=w.published, from_status="finalised", to_status="published", by=p.official
    )

    # The public's submissions; an enterprise import's rows.
    submission = Submission.objects.create(
        kind="report", tracking_code=f"GUARD-{k:04d}-CODE", subject=f"举报{k}", body="b",
        district=huicheng,
    )  # fmt: skip
    if first:
        w.submission = submission
        w.enterprise_import = EnterpriseImport.objects.create(
            uploaded_by=p.inspector, file=ContentFile(b"x", name="i.csv"),
            original_name="i.csv", status="ready",
        )  # fmt: skip
    EnterpriseImportRow.objects.create(
        enterprise_import=w.enterprise_import, row=k + 1, fields={"name": f"惠城区导入{k}厂"}
    )


def _content_type_id(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _url(w: SimpleNamespace, page: str) -> str:
    record_name, query = PAGES[page]
    route = page.split("?")[0]
    if record_name:
        url = reverse(route, kwargs=_kwargs(route, getattr(w, record_name)))
    else:
        url = reverse(route)
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def _measure(w: SimpleNamespace, clients: dict[str, Client]) -> dict[str, dict[str, int]]:
    """{page: {role: queries}} of each page each role may open (200), asked twice, the
    second counted (the first reads the session and the user's permissions). A list's rows
    shown are kept too, under "<page> rows"."""
    counts: dict[str, dict[str, int]] = {}
    for page in PAGES:
        url = _url(w, page)
        for role, client in clients.items():
            cache.clear()
            if client.get(url).status_code != 200:
                continue
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (page, role)
            counts.setdefault(page, {})[role] = len(queries.captured_queries)
            if response.context and "page_obj" in response.context:
                rows = len(response.context["page_obj"])
                counts.setdefault(f"{page} rows", {})[role] = rows
    return counts


@pytest.fixture(scope="module")
def counts(django_db_setup, django_db_blocker, tmp_path_factory):
    """The counts at one row of every kind and at three, rolled back afterwards."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            w = SimpleNamespace(people=_people())
            clients = {}
            for role in ROLES:
                clients[role] = Client()
                clients[role].force_login(getattr(w.people, role))
            _grow(w, 1)
            small = _measure(w, clients)
            _grow(w, 2)
            _grow(w, 3)
            large = _measure(w, clients)
            transaction.set_rollback(True)
    cache.clear()
    return small, large


def _marks(page: str) -> list[pytest.MarkDecorator]:
    if page in GROWING:
        return [pytest.mark.xfail(strict=True, reason=GROWING[page])]
    return []


@pytest.mark.parametrize("page", [pytest.param(p, marks=_marks(p)) for p in PAGES])
def test_staff_page_queries_do_not_grow_with_the_data(counts, page):
    small, large = counts
    assert small.get(page), f"{page}: no role may open it"
    assert large[page] == small[page]


def test_the_lists_show_more_rows_at_the_larger_size(counts):
    """The guards compare something: every paged list shows more rows at three of every kind
    than at one, to some role."""
    small, large = counts
    lists = [name for name in small if name.endswith(" rows")]
    assert len(lists) >= 10
    assert [
        name for name in lists if not any(large[name][r] > small[name][r] for r in small[name])
    ] == []


def test_the_guards_cover_every_staff_page_of_the_url_matrix():
    """Each route the URL matrix lets a staff role open (200) is guarded here, but the files
    (downloads of evidence, letters, notices, attachments) and one's own account pages."""
    from tests.test_url_matrix import EXPECTED
    from tests.test_url_matrix import ROLES as MATRIX_ROLES

    not_pages = {
        "registry:evidence",
        "registry:enterprise-import-template",
        "rectification:case-evidence",
        "rectification:reply-attachment",
        "publicity:entry-letter",
        "staff-otp-enrol",
        "staff-password-change",
    }
    staff = [i for i, role in enumerate(MATRIX_ROLES) if role not in ("anonymous", "nobody")]
    opened = {
        name
        for name, line in EXPECTED.items()
        if not name.startswith(("admin:", "public:", "rectification-unit:"))
        and any(line.split()[i] == "200" for i in staff)
        and "login" in line  # the staff area's pages send the anonymous to the login
    }
    guarded = {page.split("?")[0] for page in PAGES}
    assert opened - not_pages - guarded == set()
