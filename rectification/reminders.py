"""The daily reminder sweep (提醒): before a deadline, on the first overdue day and weekly
after, and escalation to supervisors — each exactly once per (case, kind, occasion).

How the sweep decides, in SQL over many cases at once:

* Which reminder a case is due depends only on its deadline (and today, the configured lead
  times and the working-day calendar). So the schedule is reckoned in Python once a sweep,
  for every deadline from the earliest open case's to the last a lead time reaches
  (:func:`due_table`, the same rule :func:`reminders_due` states for one case), and handed
  to PostgreSQL as arrays: ``deadline -> (kind, occasion)``.
* The ids of the cases that may be due are read once (the ``(status, deadline)`` index);
  one statement per chunk of ``REMINDER_SWEEP_CHUNK`` of them, in id order, locks the
  chunk's active cases, joins them to that table and inserts the reminders with their facts
  and texts (subject and body written by ``format()`` from the translated text,
  :func:`rectification.reminder_texts.reminder_text_formats`), then, from the rows it
  inserted, the inbox messages, the timeline events and the escalation stamps. A few fixed
  queries a sweep and one a chunk: the count does not grow with the cases in a chunk.

How "exactly once" holds:

* The decision to send is the insertion of a :class:`Reminder` row under its unique
  constraint ``reminder_once_per_occasion``, with ``ON CONFLICT DO NOTHING RETURNING``: a
  second sweep (or a second worker at the same moment, which waits on the first one's row
  locks) gets nothing back for occasions already decided and writes nothing for them.
* The inbox messages, the timeline events and the escalation mark are written by the same
  statement, from the rows it inserted, so they exist exactly when the row does. A sweep
  killed mid-way leaves whole chunks decided; the next run decides the rest.
* The chunk's cases are locked (``FOR UPDATE``) and re-checked by that statement: a case
  closed or given a new deadline at this moment gets no stale reminder, and a staff change to
  a case waits for the decision, as the decision waits for it.
* Email cannot take part in a database transaction, so the row doubles as an outbox entry:
  after the decisions commit, pending rows are claimed with ``FOR UPDATE SKIP LOCKED`` (two
  workers never claim the same one), sent, and marked ``emailed`` (with ``emailed_at``) in
  that transaction. A sweep killed before the mark leaves them pending for the next run; a
  kill between the SMTP server accepting messages and the commit repeats those messages
  (at most one chunk's).
* A reminder with no address to send to is never marked emailed: ``inbox_only`` when the
  department's liaisons have it in their in-app inbox, ``undeliverable`` when it reached no
  one (no liaison, no responsible person's e-mail) — listed on the dashboard
  (:func:`rectification.selectors.undeliverable_reminders`) so someone adds a contact.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import override

from core.calendar import Period, WorkingCalendar, period, periods, working_calendar
from core.enums import PeriodUnit
from rectification.enums import ReminderDelivery, ReminderKind
from rectification.models import Case, Event, InboxMessage, Reminder
from rectification.reminder_texts import reminder_text_formats
from rectification.services import SystemAction, case_system_action
from registry.models import Department, Enterprise, Jurisdiction, bilingual_name

logger = logging.getLogger(__name__)

# Reminders recorded in one sweep beyond which the table's statistics are refreshed.
REMINDER_ANALYZE_AFTER = 5000
# Emails handed to the mail server at a time within an outbox chunk (memory stays flat).
EMAIL_BATCH = 500
# The CASE table's system action each kind of reminder makes.
MOVE_OF_KIND: dict[str, str] = {
    ReminderKind.BEFORE_DEADLINE: "remind",
    ReminderKind.OVERDUE: "remind",
    ReminderKind.ESCALATION: "escalate",
}


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


@dataclass(frozen=True)
class _Schedule:
    """The configured periods, read once a sweep."""

    leads: tuple[Period, ...]  # before the deadline, shortest first
    escalation: Period
    calendar: WorkingCalendar | None  # None when no period counts working days

    @classmethod
    def load(cls) -> _Schedule:
        leads = tuple(sorted(periods("REMINDER_DAYS_BEFORE"), key=lambda lead: lead.days))
        escalation = period("ESCALATE_AFTER_OVERDUE_DAYS")
        # Read only when a period counts working days (calendar days need no calendar).
        working = PeriodUnit.WORKING in {lead.unit for lead in leads} | {escalation.unit}
        return cls(leads, escalation, working_calendar() if working else None)

    def horizon(self, today: datetime.date) -> datetime.date:
        """The latest deadline a lead time reaches from ``today``."""
        return max(lead.after(today, on=self.calendar).day for lead in self.leads)

    def due(self, deadline: datetime.date, today: datetime.date) -> list[tuple[str, str]]:
        """(kind, occasion) of the reminders due on ``today`` for a case with ``deadline``."""
        day = deadline.isoformat()
        if today <= deadline:
            for lead in self.leads:
                if today >= lead.before(deadline, on=self.calendar).day:
                    return [(ReminderKind.BEFORE_DEADLINE, f"{day}:d{lead.days}")]
            return []
        overdue_days = (today - deadline).days
        # Day 1 overdue is week 0, days 8-14 week 1, ...
        week = (overdue_days - 1) // settings.REMINDER_OVERDUE_EVERY_DAYS
        due: list[tuple[str, str]] = [(ReminderKind.OVERDUE, f"{day}:w{week}")]
        if today >= self.escalation.after(deadline, on=self.calendar).day:
            due.append((ReminderKind.ESCALATION, day))
        return due


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
    schedule = _Schedule.load()
    if calendar is not None:
        schedule = _Schedule(schedule.leads, schedule.escalation, calendar)
    return [Due(case, kind, occasion) for kind, occasion in schedule.due(case.deadline, today)]


def due_table(
    first: datetime.date, today: datetime.date, schedule: _Schedule
) -> list[tuple[datetime.date, str, str]]:
    """(deadline, kind, occasion) for every deadline from ``first`` to the horizon: what the
    sweep's SQL joins the cases to."""
    table = []
    day = first
    last = schedule.horizon(today)
    while day <= last:
        table += [(day, kind, occasion) for kind, occasion in schedule.due(day, today)]
        day += datetime.timedelta(days=1)
    return table


def reminders_sweep(*, today: datetime.date | None = None) -> SweepResult:
    """Decide, record and send the reminders due on ``today`` (the daily beat job).

    Side effects, per reminder decided: a Reminder row; an inbox message to each liaison of
    the case's department (to the supervisors in the case's area for an escalation); a
    non-public "reminder sent" or "escalated" event (the CASE table's system actions
    ``remind`` and ``escalate``); for an escalation, ``Case.escalated_at``. Then the emails of
    every pending reminder: to the responsible person and the liaisons (the supervisors for
    an escalation); one with no address is marked ``inbox_only`` or, when it reached no one,
    ``undeliverable`` — never ``emailed``.
    """
    today = today or timezone.localdate()
    schedule = _Schedule.load()
    horizon = schedule.horizon(today)
    # The cases that may be due, read once from the (status, deadline) index: a chunk then
    # locks its cases by id instead of walking the whole table for the next due ones.
    candidates = list(
        Case.objects.active()
        .filter(deadline__lte=horizon)
        .order_by("deadline", "id")
        .values_list("deadline", "id")
    )
    recipients = _Recipients.load()
    recorded = 0
    if candidates:
        decide = _Decision(
            today=today,
            horizon=horizon,
            table=due_table(candidates[0][0], today, schedule),
            to=recipients,
        )
        ids = sorted(pk for _deadline, pk in candidates)
        size = settings.REMINDER_SWEEP_CHUNK
        for start in range(0, len(ids), size):
            recorded += decide.chunk(ids=ids[start : start + size])
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

    def staff_for(self, kind: str, department_id: int, area: str) -> list[tuple[int, str]]:
        if kind == ReminderKind.ESCALATION:
            return [(uid, email) for uid, email, path in self.supervisors if area.startswith(path)]
        return self.liaisons.get(department_id, [])

    def emails_for(
        self, kind: str, department_id: int, area: str, responsible_email: str
    ) -> list[str]:
        staff = [email for _uid, email in self.staff_for(kind, department_id, area) if email]
        own = [responsible_email] if responsible_email else []
        addresses = staff if kind == ReminderKind.ESCALATION else own + staff
        return list(dict.fromkeys(addresses))  # once each, in order


def _table(model: Any) -> str:
    return str(model._meta.db_table)


class _Decision:
    """The sweep's one statement, run once a chunk: its SQL and the parameters that stay the
    same for every chunk (the due table, the texts, the recipients, the CASE table's rules)."""

    def __init__(
        self,
        *,
        today: datetime.date,
        horizon: datetime.date,
        table: Sequence[tuple[datetime.date, str, str]],
        to: _Recipients,
    ) -> None:
        actions: dict[str, SystemAction] = {
            kind: case_system_action(move) for kind, move in MOVE_OF_KIND.items()
        }
        # The stored subject and body are the emails' (sent in the site's language); pages
        # show the reminder in the reader's language from its facts (reminder_shown).
        with override(settings.LANGUAGE_CODE):
            formats = {kind: reminder_text_formats(kind) for kind in MOVE_OF_KIND}
            departments = [
                (pk, bilingual_name(name, name_en))
                for pk, name, name_en in Department.objects.values_list("pk", "name", "name_en")
            ]
        liaisons = [(uid, dep) for dep, users in to.liaisons.items() for uid, _email in users]
        statuses = sorted({s for a in actions.values() for s in a.statuses})
        self.params: dict[str, Any] = {
            "today": today,
            "horizon": horizon,
            "now": timezone.now(),
            "chunk": settings.REMINDER_SWEEP_CHUNK,
            "statuses": statuses,
            "due_deadline": [row[0] for row in table],
            "due_kind": [row[1] for row in table],
            "due_occasion": [row[2] for row in table],
            "kinds": list(actions),
            "subject_formats": [formats[kind][0] for kind in actions],
            "body_formats": [formats[kind][1] for kind in actions],
            "event_kinds": [a.event_kind for a in actions.values()],
            "event_public": [a.event_public for a in actions.values()],
            # A kind may be made from these statuses ("|"-joined: arrays do not nest).
            "kind_statuses": ["|".join(a.statuses) for a in actions.values()],
            "department_ids": [pk for pk, _shown in departments],
            "department_shown": [shown for _pk, shown in departments],
            "liaison_users": [uid for uid, _dep in liaisons],
            "liaison_departments": [dep for _uid, dep in liaisons],
            "supervisor_users": [uid for uid, _email, _path in to.supervisors],
            "supervisor_paths": [path for _uid, _email, path in to.supervisors],
            "escalation": ReminderKind.ESCALATION,
            "pending": ReminderDelivery.PENDING,
        }

    SQL = """
    -- The chunk's cases (their ids read once a sweep), locked and re-read: a case closed or
    -- given a new deadline since the ids were read drops out here (PostgreSQL re-checks the
    -- conditions on the row's latest version). The unit's name is read once a case.
    WITH locked AS (
        SELECT c.id, c.status, c.deadline, c.department_id, c.enterprise_id,
               c.responsible_person, e.name
        FROM {case} c JOIN {enterprise} e ON e.id = c.enterprise_id
        WHERE c.id = ANY(%(ids)s::bigint[])
          AND c.status = ANY(%(statuses)s::text[]) AND c.deadline <= %(horizon)s
        ORDER BY c.id
        FOR UPDATE OF c
    ),
    due AS (
        SELECT * FROM unnest(%(due_deadline)s::date[], %(due_kind)s::text[],
                             %(due_occasion)s::text[]) WITH ORDINALITY
                      AS due(deadline, kind, occasion, n)
    ),
    kinds AS (
        SELECT * FROM unnest(%(kinds)s::text[], %(subject_formats)s::text[],
                             %(body_formats)s::text[], %(event_kinds)s::text[],
                             %(event_public)s::boolean[], %(kind_statuses)s::text[])
                      AS kinds(kind, subject, body, event_kind, event_public, statuses)
    ),
    rows AS (
        SELECT l.id AS case_id, due.kind, due.occasion, due.n,
               jsonb_build_object(
                   'name', l.name, 'deadline', to_char(l.deadline, 'YYYY-MM-DD'),
                   'days', abs(l.deadline - %(today)s::date), 'department', d.name,
                   'department_en', d.name_en, 'person', l.responsible_person
               ) AS facts,
               format(kinds.subject, l.name, to_char(l.deadline, 'YYYY-MM-DD'),
                      abs(l.deadline - %(today)s::date)::text, shown.name,
                      l.responsible_person, l.id::text) AS subject,
               format(kinds.body, l.name, to_char(l.deadline, 'YYYY-MM-DD'),
                      abs(l.deadline - %(today)s::date)::text, shown.name,
                      l.responsible_person, l.id::text) AS body
        FROM locked l
        JOIN due ON due.deadline = l.deadline
        JOIN kinds ON kinds.kind = due.kind
                  AND l.status = ANY(string_to_array(kinds.statuses, '|'))
        JOIN {department} d ON d.id = l.department_id
        JOIN unnest(%(department_ids)s::bigint[], %(department_shown)s::text[])
             AS shown(id, name) ON shown.id = l.department_id
    ),
    inserted AS (
        INSERT INTO {reminder} (case_id, kind, occasion, sent_at, subject, body, facts,
                                delivery, emailed_at)
        SELECT case_id, kind, occasion, %(now)s, subject, body, facts, %(pending)s, NULL
        FROM rows ORDER BY case_id, n
        ON CONFLICT (case_id, kind, occasion) DO NOTHING
        RETURNING id, case_id, kind, subject, body
    ),
    events AS (
        INSERT INTO {event} (case_id, kind, at, from_status, to_status, new_deadline, text,
                             is_public, actor_id, reminder_id)
        SELECT i.case_id, kinds.event_kind, %(now)s, '', '', NULL, i.subject,
               kinds.event_public, NULL, i.id
        FROM inserted i JOIN kinds ON kinds.kind = i.kind
        ORDER BY i.id
    ),
    -- Each inserted reminder's recipients, its case read by primary key (a join of two CTEs
    -- here would be planned as a nested loop on their unknown sizes: quadratic).
    staff AS (
        SELECT i.id AS reminder_id, i.case_id, i.subject, i.body, liaison.user_id
        FROM inserted i
        JOIN {case} c ON c.id = i.case_id
        JOIN unnest(%(liaison_users)s::integer[], %(liaison_departments)s::bigint[])
             AS liaison(user_id, department_id) ON liaison.department_id = c.department_id
        WHERE i.kind <> %(escalation)s AND cardinality(%(liaison_users)s::integer[]) > 0
        UNION ALL
        SELECT i.id, i.case_id, i.subject, i.body, supervisor.user_id
        FROM inserted i
        JOIN {case} c ON c.id = i.case_id
        JOIN {jurisdiction} j ON j.id = c.place_id
        JOIN unnest(%(supervisor_users)s::integer[], %(supervisor_paths)s::text[])
             AS supervisor(user_id, path) ON starts_with(j.path, supervisor.path)
        WHERE i.kind = %(escalation)s AND cardinality(%(supervisor_users)s::integer[]) > 0
    ),
    inbox AS (
        INSERT INTO {inbox} (recipient_id, case_id, reminder_id, subject, body, created_at,
                             read_at)
        SELECT user_id, case_id, reminder_id, subject, body, %(now)s, NULL
        FROM staff ORDER BY reminder_id, user_id
    ),
    escalated AS (
        UPDATE {case} c SET escalated_at = %(now)s
        FROM inserted i
        WHERE i.kind = %(escalation)s AND c.id = i.case_id AND c.escalated_at IS NULL
    )
    SELECT count(*) FROM inserted
    """

    @transaction.atomic
    def chunk(self, *, ids: Sequence[int]) -> int:
        """Decide the reminders of these cases (a chunk, in id order): reminders inserted."""
        sql = self.SQL.format(
            case=_table(Case),
            enterprise=_table(Enterprise),
            jurisdiction=_table(Jurisdiction),
            department=_table(Department),
            reminder=_table(Reminder),
            event=_table(Event),
            inbox=_table(InboxMessage),
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, "ids": list(ids)})
            (inserted,) = cursor.fetchone()
        return int(inserted)


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
        # Whether anyone has it in their inbox, as written when it was decided: what a
        # reminder with no address is marked.
        .annotate(in_inbox=Exists(InboxMessage.objects.filter(reminder_id=OuterRef("pk"))))
        .order_by("id")
        .values_list(
            "pk",
            "kind",
            "subject",
            "body",
            "in_inbox",
            "case__department_id",
            "case__place__path",
            "case__responsible_email",
        )[: settings.REMINDER_SWEEP_CHUNK]
    )
    if not pending:
        return OutboxResult(emailed=0, undeliverable=0, claimed=0)
    addresses = {
        pk: recipients.emails_for(kind, department_id, area, email)
        for pk, kind, _s, _b, _i, department_id, area, email in pending
    }

    def messages() -> Iterator[EmailMessage]:
        for pk, _kind, subject, body, *_rest in pending:
            for address in addresses[pk]:
                yield EmailMessage(subject=subject, body=body, to=[address])

    _send(messages())
    delivery = {
        pk: ReminderDelivery.EMAILED
        if addresses[pk]
        else ReminderDelivery.INBOX_ONLY
        if in_inbox
        else ReminderDelivery.UNDELIVERABLE
        for pk, _k, _s, _b, in_inbox, *_rest in pending
    }
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(Reminder)} r "  # noqa: S608 - our table name; values are parameters
            "SET delivery = marks.delivery, "
            "    emailed_at = CASE WHEN marks.delivery = %s THEN %s::timestamptz END "
            "FROM unnest(%s::bigint[], %s::text[]) AS marks(id, delivery) "
            "WHERE r.id = marks.id",
            [ReminderDelivery.EMAILED, timezone.now(), list(delivery), list(delivery.values())],
        )
    emailed = sum(1 for d in delivery.values() if d == ReminderDelivery.EMAILED)
    undeliverable = sum(1 for d in delivery.values() if d == ReminderDelivery.UNDELIVERABLE)
    if undeliverable:
        logger.warning("%d reminders reached no one: no liaison, no e-mail", undeliverable)
    return OutboxResult(emailed=emailed, undeliverable=undeliverable, claimed=len(pending))


def _send(messages: Iterator[EmailMessage]) -> None:
    """Send over one connection, ``EMAIL_BATCH`` messages built at a time. An SMTP failure
    raises, rolls the claim back and leaves the chunk's reminders pending for the next run."""
    mail = None
    try:
        while batch := list(islice(messages, EMAIL_BATCH)):
            if mail is None:
                mail = get_connection()
                mail.open()
            mail.send_messages(batch)
    finally:
        if mail is not None:
            mail.close()
