"""The staff batch page (and its review page): the same queries for 1, 3 or 30 entries, and the
same HTML as before the rows were made cheaper to render (tests/publicity/batch_page/*.html,
compared apart from whitespace and ids)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import roles
from publicity.enums import (
    BatchStatus,
    EntryStatus,
    ErratumKind,
    ErratumStatus,
    ObjectionDecision,
)
from publicity.models import Erratum, Objection, PriorNoticeLetter
from rectification.enums import CaseStatus
from registry.enums import Disposition, ExposureCategory
from tests.factories import (
    BatchFactory,
    CaseFactory,
    EnterpriseFactory,
    EntryFactory,
    FindingFactory,
    InspectionFactory,
    PublishedBatchFactory,
    staff_user,
    valid_credit_code,
)

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "batch_page"
DECIDED = datetime.datetime(2009, 4, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def people():
    return SimpleNamespace(
        inspector=staff_user("bp-inspector", roles.INSPECTOR),
        official=staff_user("bp-official", roles.OFFICIAL),
        official2=staff_user("bp-official2", roles.OFFICIAL),
        supervisor=staff_user("bp-supervisor", roles.SUPERVISOR),
    )


def _entry(batch, i, **fields):
    """Entry ``i`` of ``batch``: its own enterprise, named and numbered by ``i``, so the page
    reads the same whichever tests ran before."""
    enterprise = EnterpriseFactory(
        name=f"惠城区{batch.status}测试{i}厂",
        credit_code=valid_credit_code(9_000_000 + batch.pk * 100 + i),
        address=f"惠州市惠城区江北街道{i}号",
    )
    finding = FindingFactory(inspection=InspectionFactory(enterprise=enterprise))
    kind = i % 3
    values = {
        "batch": batch,
        "finding": finding,
        "position": i,
        "category": list(ExposureCategory)[i % len(ExposureCategory)],
        "disposition": list(Disposition)[i % len(Disposition)],
        "responsible_person": "" if kind == 2 else "李四",
    }
    if kind == 2:  # a deadline moved off a holiday
        values["rectification_deadline"] = datetime.date(2009, 10, 8)
        values["rectification_deadline_moved_from"] = datetime.date(2009, 10, 1)
        values["rectification_deadline_holiday"] = "国庆节"
    values.update(fields)
    return EntryFactory(**values)


def _letter(entry):
    PriorNoticeLetter.objects.create(
        entry=entry, file=ContentFile(b"%PDF-1.4 l", name="l.pdf"), sha256="1" * 64
    )


def batches(people, n, number=1):
    """A draft, an approved and a published batch of ``n`` entries each, every row carrying
    what its state can carry (objections, letters, errata, cases), varied by position."""
    draft = BatchFactory(composed_by=people.inspector)
    for i in range(1, n + 1):
        _entry(draft, i)

    approved = BatchFactory(
        composed_by=people.inspector,
        status=BatchStatus.APPROVED,
        year=2009,
        number=number,
        approved_by=people.official2,
        approved_at=DECIDED,
        # A notice period still running whatever today is; a fixed day, for the HTML's sake.
        notice_period_ends=datetime.date(2099, 1, 1),
    )
    for i in range(1, n + 1):
        kind = i % 3
        entry = _entry(
            approved,
            i,
            status=EntryStatus.WITHDRAWN_ON_OBJECTION if kind == 2 else EntryStatus.PLANNED,
            removal_reason="异议成立" if kind == 2 else "",
        )
        if kind != 2:
            _letter(entry)
        Objection.objects.create(
            entry=entry,
            received_on=datetime.date(2009, 4, 1),
            statement="已整改",
            recorded_by=people.inspector,
            decision=ObjectionDecision.PENDING,
        )
        if kind:
            Objection.objects.create(
                entry=entry,
                received_on=datetime.date(2009, 4, 1),
                statement="不属实",
                recorded_by=people.inspector,
                decision=ObjectionDecision.UPHELD if kind == 2 else ObjectionDecision.REJECTED,
                decided_by=people.official,
                decided_at=DECIDED,
                reasons="现场复核",
            )

    published = PublishedBatchFactory(
        composed_by=people.inspector, approved_by=people.official2, number=number + 1
    )
    for i in range(1, n + 1):
        kind = i % 3
        status = {0: EntryStatus.LISTED, 1: EntryStatus.LISTED, 2: EntryStatus.REMOVED}[kind]
        case = CaseFactory(
            status=CaseStatus.RECTIFIED if kind == 1 else CaseStatus.OPEN,
            closed_on=datetime.date(2009, 6, 1) if kind == 1 else None,
        )
        entry = _entry(
            published,
            i,
            status=status,
            printed_number=i,
            published_on=published.published_on,
            case=case,
            removed_on=datetime.date(2012, 3, 15) if kind == 2 else None,
        )
        case.enterprise = entry.enterprise
        case.save(update_fields=["enterprise"])
        _letter(entry)
        Erratum.objects.create(
            entry=entry,
            kind=ErratumKind.CORRECT,
            status=ErratumStatus.SUBMITTED,
            corrections={"address": f"惠州市惠城区江南街道{i}号", "responsible_person": "王五"},
            reason="地址刊登有误",
            author=people.inspector,
        )
        if kind == 1:
            Erratum.objects.create(
                entry=entry,
                kind=ErratumKind.CORRECT,
                status=ErratumStatus.APPROVED,
                corrections={"unit_name": "惠城区更正后的厂"},
                reason="名称有误",
                author=people.inspector,
                approved_by=people.official,
                approved_at=DECIDED,
            )
    return SimpleNamespace(draft=draft, approved=approved, published=published)


# Who opens which page of which batch: each a different set of the rows' rights.
VIEWS = [
    ("draft", "batch-detail", "inspector"),  # the composer: edit, move, remove
    ("draft", "batch-review", "official"),
    ("approved", "batch-detail", "inspector"),  # record an objection, letters
    ("approved", "batch-detail", "official"),  # decide objections
    ("approved", "batch-review", "supervisor"),
    ("published", "batch-detail", "inspector"),  # errata
    ("published", "batch-detail", "official"),  # decide errata, remove early
]


def _count(client, url):
    client.get(url)  # the session and the user's permissions, read once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response


@pytest.mark.parametrize(("state", "page", "role"), VIEWS)
def test_batch_page_queries_are_the_same_for_1_3_and_30_entries(
    client, people, settings, tmp_path, state, page, role
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(getattr(people, role))
    counts = {}
    for number, n in enumerate((1, 3, 30)):
        batch = getattr(batches(people, n, number=2 * number + 1), state)
        count, response = _count(client, reverse(f"publicity:{page}", args=[batch.pk]))
        assert len(response.context["page_obj"]) == n
        counts[n] = count
    assert counts[3] == counts[1]
    assert counts[30] == counts[1]


def _normalised(html: str) -> str:
    """The page's main element, whitespace collapsed, ids and tokens in place of their values."""
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', main)
    main = re.sub(r"/\d+/", "/N/", main)
    main = re.sub(r"(entry-|#)\d+", r"\1N", main)
    main = re.sub(r"\s*<", "<", main)
    main = re.sub(r">\s*", ">", main)
    return re.sub(r"\s+", " ", main).strip()


@pytest.mark.parametrize(("state", "page", "role"), VIEWS)
def test_batch_page_html_is_unchanged(client, people, settings, tmp_path, state, page, role):
    settings.MEDIA_ROOT = tmp_path
    batch = getattr(batches(people, 6), state)
    client.force_login(getattr(people, role))

    response = client.get(reverse(f"publicity:{page}", args=[batch.pk]))

    # Written from the page as it was before its rows were made cheaper (one erratum query a
    # row, a template include a deadline): the rights and the words are still the same.
    golden = GOLDEN / f"{state}-{page}-{role}.html"
    assert _normalised(response.content.decode()) == golden.read_text().strip()


@pytest.mark.parametrize(("state", "page", "role"), VIEWS)
def test_batch_page_rights_are_those_of_each_entry_asked_alone(
    client, people, settings, tmp_path, state, page, role
):
    """The rows' rights, read from what the page fetched in one go (the pending errata among
    them), are those the workflow tables give each entry fetched on its own."""
    from publicity.models import Entry
    from publicity.permissions import batch_rights, entry_rights

    settings.MEDIA_ROOT = tmp_path
    batch = getattr(batches(people, 6), state)
    Erratum.objects.filter(entry__batch=batch, entry__position__lt=5).delete()
    user = getattr(people, role)
    client.force_login(user)

    response = client.get(reverse(f"publicity:{page}", args=[batch.pk]))

    rows = list(response.context["page_obj"])
    alone = {
        entry.pk: entry_rights(entry, user, batch_rights(entry.batch, user))
        for entry in Entry.objects.filter(batch=batch)
    }
    assert {row.pk: row.rights for row in rows} == alone
    if state == "published":  # listed entries with and without a pending erratum
        refusals = [row.rights.add_erratum.refused_by for row in rows]
        assert refusals == ["", "entry_listed", "", "", "entry_listed", "no_erratum_pending"]
