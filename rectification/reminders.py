"""The daily reminder sweep (提醒): before a deadline, on the first overdue day and weekly
after, and escalation to supervisors — each exactly once per (case, kind, occasion).

How "exactly once" holds:

* The decision to send is the insertion of a :class:`Reminder` row under its unique
  constraint ``reminder_once_per_occasion``, with ``ON CONFLICT DO NOTHING RETURNING``: a
  second sweep (or a second worker at the same moment, which waits on the first one's row
  locks) gets nothing back for occasions already decided and writes nothing for them.
* The inbox messages, the timeline events and the escalation mark are written in the same
  transaction as those rows, so they exist exactly when the row does.
* Email cannot take part in a database transaction, so the row doubles as an outbox entry:
  after the decisions commit, pending rows are claimed with ``FOR UPDATE SKIP LOCKED`` (two
  workers never claim the same one), sent, and marked ``emailed`` (with ``emailed_at``) in
  that transaction. A sweep killed before the mark leaves them pending for the next run; only
  a kill between the SMTP server accepting a message and the commit can repeat that one
  message.
* A reminder with no address to send to is never marked emailed: ``inbox_only`` when the
  department's liaisons have it in their in-app inbox, ``undeliverable`` when it reached no
  one (no liaison, no responsible person's e-mail) — listed on the dashboard
  (:func:`rectification.selectors.undeliverable_reminders`) so someone adds a contact.

Queries: a fixed number per chunk of ``REMINDER_SWEEP_CHUNK`` cases (not per case), which is
what keeps a province-wide sweep cheap.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import override

from core.calendar import WorkingCalendar, period, periods, working_calendar
from core.enums import PeriodUnit
from rectification.enums import CaseStatus, ReminderDelivery, ReminderKind
from rectification.models import Case, InboxMessage, Reminder
from rectification.reminder_texts import reminder_facts, reminder_text
from rectification.services import cases_transition_many

logger = logging.getLogger(__name__)

# Reminders recorded in one sweep beyond which the table's statistics are refreshed.
REMINDER_ANALYZE_AFTER = 5000


@dataclass(frozen=True)
class Due:
    """One reminder a case is due today."""

    case: Case
    kind: str
    occasion: str


@dataclass(frozen=True)
class SweepResult:
    recorded: int  # reminders decided by this run
    emailed: int  # reminders whose emails this run sent
    undeliverable: int = 0  # reminders this run found no one to send to


@dataclass(frozen=True)
class OutboxResult:
    emailed: int  # reminders whose emails were sent
    undeliverable: int  # reminders with no address and no inbox message: reached no one
    claimed: int  # pending reminders taken from the outbox (the two above and inbox-only)


def reminders_due(
    case: Case, today: datetime.date, calendar: WorkingCalendar | None = None
) -> list[Due]:
    """The reminders a case is due on ``today``; already-sent ones are weeded out later.

    The occasion names the deadline it counts from, so a new deadline (extension, failed
    re-inspection) starts its own reminders. A day the sweep did not run is caught up: the
    latest occasion reached is due, earlier ones that were missed are not sent late. Lead
    times and the escalation period count calendar or working days as configured
    (REMINDER_DAYS_BEFORE_UNIT, ESCALATE_AFTER_OVERDUE_UNIT; core.calendar).
    """
    deadline = case.deadline.isoformat()
    due: list[Due] = []
    if today <= case.deadline:
        for lead in sorted(periods("REMINDER_DAYS_BEFORE"), key=lambda lead: lead.days):
            if today >= lead.before(case.deadline, on=calendar).day:
                due.append(Due(case, ReminderKind.BEFORE_DEADLINE, f"{deadline}:d{lead.days}"))
                break
    else:
        overdue_days = (today - case.deadline).days
        # Day 1 overdue is week 0, days 8-14 week 1, ...
        week = (overdue_days - 1) // settings.REMINDER_OVERDUE_EVERY_DAYS
        due.append(Due(case, ReminderKind.OVERDUE, f"{deadline}:w{week}"))
        escalation = period("ESCALATE_AFTER_OVERDUE_DAYS")
        if today >= escalation.after(case.deadline, on=calendar).day:
            due.append(Due(case, ReminderKind.ESCALATION, deadline))
    return due


def reminders_sweep(*, today: datetime.date | None = None) -> SweepResult:
    """Decide, record and send the reminders due on ``today`` (the daily beat job).

    Side effects, per reminder decided: a Reminder row; an inbox message to each liaison of
    the case's department (to the supervisors in the case's area for an escalation); a
    non-public "reminder sent" or "escalated" event; for an escalation, ``Case.escalated_at``.
    Then the emails of every pending reminder: to the responsible person and the liaisons
    (the supervisors for an escalation); one with no address is marked ``inbox_only`` or,
    when it reached no one, ``undeliverable`` — never ``emailed``.
    """
    today = today or timezone.localdate()
    # Read only when a period counts working days (calendar days need no calendar).
    working = {lead.unit for lead in periods("REMINDER_DAYS_BEFORE")} | {
        period("ESCALATE_AFTER_OVERDUE_DAYS").unit
    }
    calendar = working_calendar() if PeriodUnit.WORKING in working else None
    # The latest deadline a lead time can reach from today.
    horizon = max(lead.after(today, on=calendar).day for lead in periods("REMINDER_DAYS_BEFORE"))
    candidates = (
        Case.objects.active()
        .filter(deadline__lte=horizon)
        .select_related("enterprise__jurisdiction", "department")
        .order_by("id")
    )
    recipients = _Recipients.load()
    recorded = 0
    chunk = settings.REMINDER_SWEEP_CHUNK
    after = 0
    while True:
        # By keyset, a chunk at a time: a province's open cases are never all in memory.
        cases = list(candidates.filter(id__gt=after)[:chunk])
        if not cases:
            break
        after = cases[-1].pk
        due = [d for case in cases for d in reminders_due(case, today, calendar)]
        recorded += _record(due, recipients, today)
        if len(cases) < chunk:
            break
    if recorded >= REMINDER_ANALYZE_AFTER:
        # Fresh statistics before the outbox is claimed: planned on the counts from before
        # this sweep, the claim of pending reminders took a second each (8.9 ms after).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Reminder._meta.db_table}")
    outbox = reminder_emails_send(recipients=recipients)
    logger.info(
        "Reminder sweep for %s: %d recorded, %d emailed, %d undeliverable",
        today,
        recorded,
        outbox.emailed,
        outbox.undeliverable,
    )
    return SweepResult(
        recorded=recorded, emailed=outbox.emailed, undeliverable=outbox.undeliverable
    )


@dataclass
class _Recipients:
    """The liaisons by department and the supervisors with their area, read once a sweep."""

    liaisons: dict[int, list[tuple[int, str]]]  # department id -> [(user id, email)]
    supervisors: list[tuple[int, str, str]]  # (user id, email, jurisdiction path)

    @classmethod
    def load(cls) -> _Recipients:
        # Who receives them follows the permissions the role groups hold, not group names:
        # liaisons record a case's progress for their department, supervisors supervise.
        liaisons: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for user_id, email, department_id in (
            User.objects.with_perm("rectification.record_case_progress", include_superusers=False)
            .filter(staff_profile__department__isnull=False)
            .order_by("id")
            .values_list("id", "email", "staff_profile__department_id")
            .distinct()
        ):
            liaisons[department_id].append((user_id, email))
        supervisors = list(
            User.objects.with_perm("rectification.supervise_case", include_superusers=False)
            .filter(staff_profile__isnull=False)
            .order_by("id")
            .values_list("id", "email", "staff_profile__jurisdiction__path")
            .distinct()
        )
        return cls(liaisons=liaisons, supervisors=supervisors)

    def staff_for(self, case: Case, kind: str) -> list[tuple[int, str]]:
        if kind == ReminderKind.ESCALATION:
            area = case.enterprise.jurisdiction.path
            return [(uid, email) for uid, email, path in self.supervisors if area.startswith(path)]
        return self.liaisons.get(case.department_id, [])

    def emails_for(self, case: Case, kind: str) -> list[str]:
        staff = [email for _uid, email in self.staff_for(case, kind) if email]
        own = [case.responsible_email] if case.responsible_email else []
        addresses = staff if kind == ReminderKind.ESCALATION else own + staff
        return list(dict.fromkeys(addresses))  # once each, in order


@transaction.atomic
def _record(due: Sequence[Due], recipients: _Recipients, today: datetime.date) -> int:
    """Insert the Reminder rows of ``due``; for those this transaction inserted, write the
    inbox messages, events and escalation marks. Returns how many it inserted."""
    if not due:
        return 0
    # Lock the chunk's cases and re-read them: a case closed or given a new deadline since
    # the candidates were read (a re-inspection at this moment) gets no stale reminder, and a
    # staff change to the case waits for this decision, as this waits for it.
    current = dict(
        Case.objects.select_for_update()
        .filter(pk__in={d.case.pk for d in due}, status__in=CaseStatus.active())
        .order_by("pk")
        .values_list("pk", "deadline")
    )
    due = [d for d in due if current.get(d.case.pk) == d.case.deadline]
    if not due:
        return 0
    now = timezone.now()
    facts = [reminder_facts(d.case, today) for d in due]
    # The stored subject and body are the emails' (sent in the site's language); pages show
    # the reminder in the reader's language from its facts (reminder_shown).
    with override(settings.LANGUAGE_CODE):
        texts = [reminder_text(d.case.pk, d.kind, f) for d, f in zip(due, facts, strict=True)]
    with connection.cursor() as cursor:
        values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s::jsonb, %s)"] * len(due))
        params: list[Any] = []
        for d, (subject, body), f in zip(due, texts, facts, strict=True):
            params += [
                d.case.pk,
                d.kind,
                d.occasion,
                now,
                subject,
                body,
                json.dumps(f),
                ReminderDelivery.PENDING,
            ]
        cursor.execute(
            f"INSERT INTO {Reminder._meta.db_table} "  # noqa: S608 - our table name; values are parameters
            "(case_id, kind, occasion, sent_at, subject, body, facts, delivery) "
            f"VALUES {values} ON CONFLICT (case_id, kind, occasion) DO NOTHING "
            "RETURNING id, case_id, kind, occasion",
            params,
        )
        inserted = {(case_id, kind, occasion): pk for pk, case_id, kind, occasion in cursor}
    if not inserted:
        return 0
    escalations: list[tuple[Case, str]] = []
    reminders: list[tuple[Case, str]] = []
    messages: list[InboxMessage] = []
    for d, (subject, body) in zip(due, texts, strict=True):
        reminder_id = inserted.get((d.case.pk, d.kind, d.occasion))
        if reminder_id is None:
            continue
        if d.kind == ReminderKind.ESCALATION:
            escalations.append((d.case, subject))
        else:
            reminders.append((d.case, subject))
        messages += [
            InboxMessage(
                recipient_id=user_id,
                case=d.case,
                reminder_id=reminder_id,
                subject=subject,
                body=body,
                created_at=now,
            )
            for user_id, _email in recipients.staff_for(d.case, d.kind)
        ]
    # Reminders change no status: the CASE table's system actions "remind" and "escalate",
    # made in bulk (a fixed number of queries per chunk), never public.
    for move, rows in (("remind", reminders), ("escalate", escalations)):
        if rows:
            cases_transition_many(
                cases=[case for case, _text in rows],
                move=move,
                texts=[text for _case, text in rows],
                now=now,
            )
    InboxMessage.objects.bulk_create(messages)
    return len(inserted)


def reminder_emails_send(*, recipients: _Recipients | None = None) -> OutboxResult:
    """Send the emails of pending reminders (the outbox); mark each emailed, inbox-only or
    undeliverable."""
    recipients = recipients or _Recipients.load()
    total = OutboxResult(emailed=0, undeliverable=0, claimed=0)
    while True:
        chunk = _send_pending_chunk(recipients)
        total = OutboxResult(
            emailed=total.emailed + chunk.emailed,
            undeliverable=total.undeliverable + chunk.undeliverable,
            claimed=total.claimed + chunk.claimed,
        )
        # A short chunk was the last one: no query to find out that nothing is left.
        if chunk.claimed < settings.REMINDER_SWEEP_CHUNK:
            return total


@transaction.atomic
def _send_pending_chunk(recipients: _Recipients) -> OutboxResult:
    pending = list(
        Reminder.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(delivery=ReminderDelivery.PENDING)
        .select_related("case__enterprise__jurisdiction", "case__department")
        .order_by("id")[: settings.REMINDER_SWEEP_CHUNK]
    )
    if not pending:
        return OutboxResult(emailed=0, undeliverable=0, claimed=0)
    addresses = {r.pk: recipients.emails_for(r.case, r.kind) for r in pending}
    messages = [
        EmailMessage(subject=reminder.subject, body=reminder.body, to=[address])
        for reminder in pending
        for address in addresses[reminder.pk]
    ]
    _send(messages)
    now = timezone.now()
    emailed = [pk for pk, to in addresses.items() if to]
    unaddressed = [pk for pk, to in addresses.items() if not to]
    inbox_only: set[int] = set()
    if unaddressed:
        # Read only when some reminder had no address (rare): whether anyone has it in their
        # inbox, as written when it was decided.
        inbox_only = set(
            InboxMessage.objects.filter(reminder_id__in=unaddressed).values_list(
                "reminder_id", flat=True
            )
        )
    undeliverable = [pk for pk in unaddressed if pk not in inbox_only]
    for delivery, ids, moment in (
        (ReminderDelivery.EMAILED, emailed, now),
        (ReminderDelivery.INBOX_ONLY, sorted(inbox_only), None),
        (ReminderDelivery.UNDELIVERABLE, undeliverable, None),
    ):
        if ids:
            Reminder.objects.filter(pk__in=ids).update(delivery=delivery, emailed_at=moment)
    if undeliverable:
        logger.warning("%d reminders reached no one: no liaison, no e-mail", len(undeliverable))
    return OutboxResult(
        emailed=len(emailed), undeliverable=len(undeliverable), claimed=len(pending)
    )


def _send(messages: Iterable[EmailMessage]) -> None:
    batch = list(messages)
    if batch:
        # One connection for the chunk; an SMTP failure raises, rolls the claim back and
        # leaves the reminders pending for the next run.
        get_connection().send_messages(batch)
