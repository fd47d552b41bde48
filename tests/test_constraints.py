"""The hard rules of DESIGN.md hold in the database itself, whatever code writes the rows."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from publicity.enums import BatchStatus
from publicity.models import Batch, Entry
from rectification.enums import ReminderKind
from rectification.models import Reminder
from registry.enums import AccidentKind, JurisdictionLevel
from registry.models import Accident, Authority, Enterprise, Jurisdiction
from tests.factories import (
    BatchFactory,
    CaseFactory,
    EnterpriseFactory,
    EntryFactory,
    ListedEntryFactory,
    PublishedBatchFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def refused(constraint: str):
    """Expect the database to refuse the write, naming the constraint that did it."""
    return pytest.raises(IntegrityError, match=constraint)


def test_credit_code_unique_where_present():
    first = EnterpriseFactory()
    with transaction.atomic(), refused("enterprise_credit_code_unique"):
        EnterpriseFactory(credit_code=first.credit_code)
    # Unlicensed units have no code: any number of them.
    EnterpriseFactory(credit_code=None)
    EnterpriseFactory(credit_code=None)
    assert Enterprise.objects.filter(credit_code__isnull=True).count() == 2


def test_credit_code_shape_checked_by_the_database():
    with transaction.atomic(), refused("enterprise_credit_code_shape"):
        EnterpriseFactory(credit_code="91110000600O37341L")


def test_batch_number_unique_per_authority_and_year():
    PublishedBatchFactory(year=2009, number=3)
    PublishedBatchFactory(year=2010, number=3)
    with transaction.atomic(), refused("batch_number_unique_per_authority_year"):
        PublishedBatchFactory(year=2009, number=3)
    # Another authority numbers its own batches from 1 each year: its third of 2009 too.
    neighbour = Jurisdiction.objects.create(
        code="441400", name="梅州市", level=JurisdictionLevel.CITY
    )
    PublishedBatchFactory(
        year=2009,
        number=3,
        authority=Authority.objects.create(jurisdiction=neighbour, name="梅州市应急管理局"),
    )


def test_approved_batch_needs_an_approver_other_than_its_composer():
    official = UserFactory()
    with transaction.atomic(), refused("batch_approved_by_other_than_composer"):
        PublishedBatchFactory(composed_by=official, approved_by=official)
    with transaction.atomic(), refused("batch_approved_by_other_than_composer"):
        BatchFactory(status=BatchStatus.APPROVED, year=2009, number=1, approved_by=None)


def test_approving_your_own_batch_is_refused_by_sql_update():
    batch = BatchFactory()
    with transaction.atomic(), refused("batch_approved_by_other_than_composer"):
        Batch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.APPROVED, year=2009, number=1, approved_by=batch.composed_by
        )


def test_one_case_per_entry():
    entry = ListedEntryFactory()
    with transaction.atomic(), refused("entry_case_id_key"):
        ListedEntryFactory(case=entry.case)


def test_listed_entry_needs_its_case():
    with transaction.atomic(), refused("entry_listed_has_case_and_date"):
        EntryFactory(status="listed", published_on=datetime.date(2009, 3, 15), case=None)
    assert Entry.objects.count() == 0


def test_published_entry_needs_its_printed_number_unique_in_its_batch():
    entry = ListedEntryFactory(printed_number=1)
    with transaction.atomic(), refused("entry_published_has_printed_number"):
        ListedEntryFactory(batch=entry.batch, printed_number=None)
    with transaction.atomic(), refused("entry_printed_number_unique"):
        ListedEntryFactory(batch=entry.batch, printed_number=1)
    assert Entry.objects.count() == 1


def test_reminder_unique_per_case_kind_and_occasion():
    case = CaseFactory()
    Reminder.objects.create(case=case, kind=ReminderKind.BEFORE_DEADLINE, occasion="7")
    Reminder.objects.create(case=case, kind=ReminderKind.BEFORE_DEADLINE, occasion="3")
    with transaction.atomic(), refused("reminder_once_per_occasion"):
        Reminder.objects.create(case=case, kind=ReminderKind.BEFORE_DEADLINE, occasion="7")


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("deaths", -1, "deaths"),
        ("injuries", -2, "injuries"),
        ("direct_loss", Decimal("-0.01"), "accident_loss_non_negative"),
    ],
)
def test_accident_counts_and_money_non_negative(field, value, constraint):
    values = {"deaths": 0, "injuries": 0, "direct_loss": Decimal("0"), field: value}
    with transaction.atomic(), refused(constraint):
        Accident.objects.create(
            date=datetime.date(2009, 5, 1),
            kind=AccidentKind.INDUSTRIAL,
            jurisdiction=Jurisdiction.objects.get(code="441302"),
            **values,
        )
    assert Accident.objects.count() == 0


def test_case_deadline_cannot_precede_its_opening():
    with transaction.atomic(), refused("case_deadline_after_open"):
        CaseFactory(opened_on=datetime.date(2009, 5, 1), deadline=datetime.date(2009, 4, 1))


def test_reply_rules_held_by_the_database():
    from django.utils import timezone

    from rectification.models import Reply

    case = CaseFactory()
    Reply.objects.create(case=case, text="第一条")
    with refused("reply_one_pending_per_case"), transaction.atomic():
        Reply.objects.create(case=case, text="第二条")
    with refused("reply_decided_with_decider"), transaction.atomic():
        Reply.objects.create(case=case, text="x", status="refused", refusal_reason="r")
    decider = UserFactory()
    with refused("reply_published_has_text"), transaction.atomic():
        Reply.objects.create(
            case=case, text="x", status="published", decided_at=timezone.now(), decided_by=decider
        )
    with refused("reply_refused_has_reason"), transaction.atomic():
        Reply.objects.create(
            case=case, text="x", status="refused", decided_at=timezone.now(), decided_by=decider
        )
