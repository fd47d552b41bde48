"""Writes of the rectification app. Every change to a case goes through here.

Every line of a case's timeline is a move of the CASE table (``rectification.workflows``),
made by one transition function, :func:`case_transition`, which checks it, saves the case
and writes the event in the same transaction. The reminder sweep lives in
``rectification.reminders``; the unit's access codes and letters in ``rectification.access``.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.calendar import Deadline, deadline_values
from core.models import RoleGrant
from core.ratelimit import rate_limit_hit
from core.role_grants import role_grant_notice
from core.uploads import CheckedFile, evidence_check
from core.workflow import PERSON, SYSTEM, SYSTEM_ACTOR, UNIT, UNIT_ACTOR, Actor
from rectification.enums import CaseGoal, CaseStatus, EventKind
from rectification.models import AccessCode, Case, Event, EventEvidence, InboxMessage
from rectification.signals import case_changed
from rectification.workflows import (
    CASE,
    CONTACT_FIELDS,
    EVENT_OF_MOVE,
    PUBLIC_BY_KIND,
    CaseError,
)
from registry.enums import Disposition
from registry.models import Department, Enterprise, Finding, Jurisdiction
from registry.validators import contact_cleaned


def case_goal_for(disposition: str) -> CaseGoal:
    """取缔 and 关闭 are followed by verifying the unit stays shut; the others by rectification."""
    if disposition in Disposition.ending_operation():
        return CaseGoal.VERIFY_CLOSURE
    return CaseGoal.RECTIFY


def _moves_by(kinds: set[str]) -> dict[str, frozenset[str]]:
    """The status moves of the CASE table open to ``kinds`` of actor, by the state they leave."""
    table: dict[str, set[str]] = {}
    for move in CASE.moves.values():
        if not kinds & set(move.by) or move.target is None:
            continue
        for state in move.source:
            if move.target != state:
                table.setdefault(state, set()).add(move.target)
    return {state: frozenset(targets) for state, targets in table.items()}


# Read off the CASE table: the status moves a person (or the unit) may cause, and those only
# the system makes (an approved erratum cancelling the case).
ALLOWED_BY_PERSON = _moves_by({PERSON, UNIT})
ALLOWED_BY_SYSTEM = _moves_by({SYSTEM})


def event_is_public(kind: str, chosen: bool | None = None) -> bool:
    fixed = PUBLIC_BY_KIND[kind]
    return bool(chosen) if fixed is None else fixed


def case_transition(
    *,
    case: Case,
    move: str,
    actor: Actor | None,
    new_deadline: datetime.date | None = None,
    text: str = "",
    is_public: bool | None = None,
    files: Sequence[UploadedFile | CheckedFile] = (),
    contact: dict[str, str] | None = None,
    today: datetime.date | None = None,
) -> Event:
    """Make ``move`` on a case if the CASE table allows it: record its timeline event and,
    for a status move, the new status.

    ``contact`` (the "update_contact" move) holds the responsible person's name, phone and
    e-mail (``CONTACT_FIELDS``); the event's text records each that changed, old → new.

    ``actor`` is the member of staff, ``UNIT_ACTOR`` for the unit through its access code,
    or None (``SYSTEM_ACTOR``) for the system. The caller holds the case locked
    (``select_for_update``) inside a transaction.

    Side effects: the case's ``status``, ``closed_on``, ``deadline``, ``escalated_at`` and
    contact (saved with ``update_fields``), one :class:`Event` row with its evidence files, written
    in the same transaction; after commit, ``case_changed`` for the layers above.
    """
    today = today or timezone.localdate()
    checker = SYSTEM_ACTOR if actor is None else actor
    # Saved below, once, with what the move's inputs change besides the status.
    done = CASE.apply(
        case,
        move,
        checker,
        today=today,
        values={"text": text, "new_deadline": new_deadline, "files": files, "contact": contact},
        save=False,
    )
    changed = list(done.changed)
    if done.moved and done.target not in CaseStatus.active():
        case.closed_on = today
        changed.append("closed_on")
    if new_deadline is not None:
        if new_deadline < case.opened_on:
            raise CaseError(_("新的整改期限不能早于立案日期。"))
        # A new deadline on a rest day moves to the next working day (Civil Code art. 203).
        moved, deadline_fields = deadline_values("deadline", new_deadline)
        for name, value in deadline_fields.items():
            setattr(case, name, value)
        new_deadline = moved.day
        changed += list(deadline_fields)
    if contact is not None:
        lines = []
        for name in CONTACT_FIELDS:
            old, new = getattr(case, name), contact.get(name, "")
            if old != new:
                label = Case._meta.get_field(name).verbose_name  # type: ignore[union-attr]
                lines.append(f"{label}：{old or _('（空）')} → {new or _('（空）')}")
                setattr(case, name, new)
                changed.append(name)
        text = "\n".join(lines)
    if move == "escalate" and case.escalated_at is None:
        case.escalated_at = timezone.now()
        changed.append("escalated_at")
    if changed:
        case.save(update_fields=[*changed, "updated_at"])
        if changed != ["escalated_at"]:
            # Announced to the layers above (the public site shows status and deadline).
            case_id = case.pk
            transaction.on_commit(lambda: case_changed.send(sender=Case, case_id=case_id))
    kind = EVENT_OF_MOVE[move]
    event = Event.objects.create(
        case=case,
        kind=kind,
        actor=actor if isinstance(actor, User) else None,
        from_status=done.source if done.moved else "",
        to_status=done.target if done.moved else "",
        new_deadline=new_deadline,
        text=text,
        is_public=event_is_public(kind, is_public),
    )
    _attach_evidence(event, files)
    return event


@dataclass(frozen=True)
class SystemAction:
    """A system action that changes no status (``remind``, ``escalate``), read off the CASE
    table for code that makes it on many cases in one SQL statement (the daily sweep,
    ``rectification.reminders``): the statuses it may leave from and the event it writes.
    That statement writes the event in the same transaction as the reminder, with these
    values, and, for ``escalate``, stamps ``Case.escalated_at`` where it is not set yet.
    """

    move: str
    statuses: tuple[str, ...]
    event_kind: str
    event_public: bool


def case_system_action(move: str) -> SystemAction:
    """The CASE table's rule for ``move`` made by the system in bulk; refuses a move that
    changes the status or has a guard (which one SQL statement could not check per case)."""
    rule = CASE.moves[move]
    if rule.target is not None:
        raise ValueError(f"{move} changes the status: use case_transition")
    if SYSTEM not in rule.by or rule.guards:
        raise ValueError(f"{move} is not a system action without guards")
    kind = EVENT_OF_MOVE[move]
    return SystemAction(
        move=move,
        statuses=tuple(rule.source),
        event_kind=kind,
        event_public=event_is_public(kind),
    )


def _locked(case: Case) -> Case:
    """The case re-read under a row lock, so two people's changes queue rather than race."""
    return Case.objects.select_for_update().select_related("enterprise").get(pk=case.pk)


def _attach_evidence(event: Event, files: Sequence[UploadedFile | CheckedFile]) -> None:
    for upload in files:
        checked = upload if isinstance(upload, CheckedFile) else evidence_check(upload)
        EventEvidence.objects.create(
            event=event,
            file=checked.content,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )


def _opening_deadline(deadline: Deadline, opened_on: datetime.date) -> dict[str, Any]:
    if deadline.day < opened_on:
        return deadline_values("deadline", opened_on)[1]
    return deadline.values("deadline")


@transaction.atomic
def case_open(
    *,
    enterprise: Enterprise,
    place: Jurisdiction,
    findings: Iterable[Finding],
    disposition: str,
    deadline: Deadline,
    department: Department,
    responsible_person: str,
    opened_on: datetime.date,
    actor: User | None,
    responsible_phone: str = "",
    responsible_email: str = "",
) -> Case:
    """Open the rectification case of one exposed unit (called when a batch is published),
    with the responsible person's contact captured on the entry (the reminders' address).

    ``deadline`` is the entry's, with why it moved off a rest day if it did; a deadline
    already past on the day of publication becomes that day. ``place`` is where its findings
    were found (the principal finding's inspection's place), which scopes the case to staff.

    Side effects: the case row, its findings, and an "opened" event visible to the public.
    """
    CASE.check(Case(), "open", SYSTEM_ACTOR)
    case = Case.objects.create(
        enterprise=enterprise,
        place=place,
        disposition=disposition,
        goal=case_goal_for(disposition),
        status=CaseStatus.OPEN,
        **_opening_deadline(deadline, opened_on),
        department=department,
        responsible_person=responsible_person,
        responsible_phone=responsible_phone,
        responsible_email=responsible_email,
        opened_on=opened_on,
    )
    case.findings.set(list(findings))
    Event.objects.create(
        case=case,
        kind=EventKind.OPENED,
        actor=actor,
        to_status=CaseStatus.OPEN,
        new_deadline=case.deadline,
        is_public=True,
    )
    return case


@transaction.atomic
def case_cancel(*, case: Case, actor: User | None, reason: str) -> Event:
    """Cancel a case because its entry was withdrawn by an approved erratum (system move).

    Side effects: status ``cancelled``, ``closed_on`` today, a public "cancelled" event.
    ``actor`` is the official whose approval caused it, recorded on the event.
    """
    # case_transition checks the move (once) as it makes it.
    event = case_transition(case=_locked(case), move="cancel", actor=None, text=reason.strip())
    if actor is not None:
        Event.objects.filter(pk=event.pk).update(actor=actor)
        event.actor = actor
    return event


@transaction.atomic
def case_update_contact(
    *,
    case: Case,
    actor: User,
    responsible_person: str,
    responsible_phone: str,
    responsible_email: str,
) -> Event:
    """Staff who follow the case up change its responsible person's name, phone or e-mail
    (the reminders' address).

    Side effects: the changed fields; a staff-only "contact changed" event recording each
    change, old → new.
    """
    try:
        phone, email = contact_cleaned(responsible_phone, responsible_email)
    except ValidationError as error:
        raise CaseError(" ".join(error.messages)) from error
    contact = {
        "responsible_person": responsible_person.strip(),
        "responsible_phone": phone,
        "responsible_email": email,
    }
    return case_transition(case=_locked(case), move="update_contact", actor=actor, contact=contact)


@transaction.atomic
def case_record_progress(
    *,
    case: Case,
    actor: User | None,
    text: str,
    files: Sequence[UploadedFile | CheckedFile] = (),
    is_public: bool = False,
) -> Event:
    """A liaison's (or, with ``actor`` None, the unit's) progress report with its evidence.

    Side effects: a "progress" event, its evidence rows and stored files.
    """
    return case_transition(
        case=_locked(case),
        move="progress",
        actor=actor if actor is not None else UNIT_ACTOR,
        text=text.strip(),
        files=files,
        is_public=is_public,
    )


@transaction.atomic
def case_request_reinspection(
    *,
    case: Case,
    actor: User | None,
    text: str,
    files: Sequence[UploadedFile | CheckedFile] = (),
) -> Event:
    """Record the unit's application for re-inspection (主动申请复查), made through staff
    (``actor`` the liaison) or through the unit's own channel (``actor`` None).

    Side effects: status ``reinspection_requested``; a public event with the evidence.
    """
    locked = _locked(case)
    event = case_transition(
        case=locked,
        move="apply",
        actor=actor if actor is not None else UNIT_ACTOR,
        text=text.strip(),
        files=files,
    )
    case.status = locked.status
    return event


@transaction.atomic
def case_reinspect(
    *,
    case: Case,
    actor: User,
    passed: bool,
    text: str,
    new_deadline: datetime.date | None = None,
    files: Sequence[UploadedFile | CheckedFile] = (),
    today: datetime.date | None = None,
) -> Event:
    """An inspector's re-inspection (复查). Passed: the case is finished by its goal
    (rectified, or closure verified for banned and closed units). Failed: the case is
    reopened with a new deadline and the reason.

    Side effects: status, ``closed_on`` or deadline; a public event with the evidence.
    """
    locked = _locked(case)
    if passed:
        move = "pass" if locked.goal == CaseGoal.RECTIFY else "verify_closure"
        event = case_transition(
            case=locked, move=move, actor=actor, text=text.strip(), files=files, today=today
        )
    else:
        event = case_transition(
            case=locked,
            move="fail",
            actor=actor,
            new_deadline=new_deadline,
            text=text.strip(),
            files=files,
            today=today,
        )
    case.refresh_from_db()
    return event


@transaction.atomic
def case_extend_deadline(
    *,
    case: Case,
    actor: User,
    new_deadline: datetime.date,
    reason: str,
    today: datetime.date | None = None,
) -> Event:
    """An official's deadline extension (延长整改期限), with its reason.

    Side effects: the case's deadline; a public event.
    """
    event = case_transition(
        case=_locked(case),
        move="extend",
        actor=actor,
        new_deadline=new_deadline,
        text=reason.strip(),
        today=today,
    )
    case.refresh_from_db()
    return event


@transaction.atomic
def case_supervise(
    *, case: Case, actor: User, text: str, today: datetime.date | None = None
) -> Event:
    """A supervisor's supervision action (督查) on an overdue or escalated case.

    Side effects: a public "supervision" event.
    """
    return case_transition(
        case=_locked(case), move="supervise", actor=actor, text=text.strip(), today=today
    )


# --- The unit's access code (the letter) -----------------------------------------------------

# No 0/O, 1/I/L, U/V look-alikes: the code is typed from paper. 24 characters of 29 give
# 116 random bits, far beyond guessing even without the rate limit.
ACCESS_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
ACCESS_CODE_LENGTH = 24


def access_code_normalise(code: str) -> str:
    """What the person typed, without spaces and dashes, in capitals."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def access_code_hash(code: str) -> str:
    return hashlib.sha256(access_code_normalise(code).encode()).hexdigest()


def _access_code_new() -> str:
    raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _i in range(ACCESS_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, ACCESS_CODE_LENGTH, 4))


@transaction.atomic
def case_issue_letter(
    *, case: Case, actor: User | None, today: datetime.date | None = None
) -> tuple[str, bytes]:
    """Issue the unit's rectification notice letter with a new access code; return the code
    and the letter's PDF. The code is kept only as its SHA-256, so it exists on this letter
    alone; issuing again revokes the earlier code.

    Side effects: earlier codes revoked, one new :class:`AccessCode`, a non-public event.
    """
    from rectification.letters import build_case_letter_pdf

    today = today or timezone.localdate()
    locked = _locked(case)
    CASE.check(locked, "issue_letter", actor or SYSTEM_ACTOR)  # before the old code is revoked
    now = timezone.now()
    AccessCode.objects.filter(case=locked, revoked_at__isnull=True).update(revoked_at=now)
    code = _access_code_new()
    access = AccessCode.objects.create(
        case=locked, code_hash=access_code_hash(code), issued_at=now, issued_by=actor
    )
    case_transition(case=locked, move="issue_letter", actor=actor)
    pdf = build_case_letter_pdf(
        case=Case.objects.select_related("enterprise", "department").get(pk=locked.pk),
        code=code,
        issued_on=today,
    )
    access.letter.save(f"case-{locked.pk}-letter-{access.pk}.pdf", ContentFile(pdf))
    return code, pdf


@transaction.atomic
def case_letter_ensure(*, case: Case, today: datetime.date | None = None) -> bool:
    """Issue the letter of an active case that has no live code yet (the system issues it
    when the case opens). Safe to run twice or at once: the case row is locked, and a case
    that has its letter is left alone. Returns whether a letter was issued."""
    locked = _locked(case)
    if locked.status not in CaseStatus.active():
        return False
    if AccessCode.objects.filter(case=locked, revoked_at__isnull=True).exists():
        return False
    case_issue_letter(case=locked, actor=None, today=today)
    return True


def cases_without_letter() -> QuerySet[Case]:
    """Active cases whose unit has no live access code: their letter is still to be issued."""
    live = AccessCode.objects.filter(case=OuterRef("pk"), revoked_at__isnull=True)
    return Case.objects.active().filter(~Exists(live))


def case_letters_issue_missing(*, today: datetime.date | None = None, limit: int = 500) -> int:
    """Issue the letters of the cases opened since the last run (beat: every minute).

    Each letter is its own transaction, so a run cut short keeps what it issued and the next
    run does the rest. Returns how many letters were issued."""
    ids = list(cases_without_letter().order_by("id").values_list("pk", flat=True)[:limit])
    return sum(case_letter_ensure(case=Case(pk=pk), today=today) for pk in ids)


def case_live_letter(*, case: Case) -> AccessCode | None:
    """The access code in force for the case, with its stored letter, if any."""
    return AccessCode.objects.filter(case=case, revoked_at__isnull=True).exclude(letter="").first()


class AccessRefused(Exception):
    """The unit's code was wrong, expired, or tried too often; the message says which."""


def access_code_redeem(*, code: str, client: str) -> AccessCode:
    """The live access code matching what a unit typed, rate-limited per client and per code.

    Raises :class:`AccessRefused`. A code works while it is not revoked and its case is active.
    """
    window = settings.UNIT_CODE_RATE_WINDOW_SECONDS
    digest = access_code_hash(code)
    client_key = "unit-code:client:" + hashlib.sha256(client.encode()).hexdigest()
    if rate_limit_hit(client_key, limit=settings.UNIT_CODE_ATTEMPTS_PER_CLIENT, window=window) or (
        rate_limit_hit(
            f"unit-code:code:{digest}", limit=settings.UNIT_CODE_ATTEMPTS_PER_CODE, window=window
        )
    ):
        raise AccessRefused(
            _("尝试次数过多，请 %(minutes)d 分钟后再试。") % {"minutes": max(1, window // 60)}
        )
    if len(access_code_normalise(code)) != ACCESS_CODE_LENGTH:
        raise AccessRefused(_("访问码应为 24 位字母和数字，请对照整改通知书重新输入。"))
    access = (
        AccessCode.objects.select_related("case__enterprise")
        .filter(code_hash=digest, revoked_at__isnull=True)
        .first()
    )
    if access is None:
        raise AccessRefused(_("访问码不正确或已作废，请对照最新的整改通知书重新输入。"))
    if access.case.status not in CaseStatus.active():
        raise AccessRefused(_("该整改跟踪已结束，访问码已失效。"))
    return access


def access_code_live(*, access_code_id: int) -> AccessCode | None:
    """The code a unit signed in with, if it still works (not revoked, case active)."""
    return (
        AccessCode.objects.select_related("case__enterprise", "case__department")
        .filter(
            pk=access_code_id,
            revoked_at__isnull=True,
            case__status__in=CaseStatus.active(),
        )
        .first()
    )


# --- The inbox --------------------------------------------------------------------------------


def inbox_role_grant_notice(
    sender: object, *, grant: RoleGrant, recipients: list[User], **kwargs: object
) -> None:
    """core.role_grants.role_grant_confirmed: each holder of the same rights finds the new
    approver (or administrator) in their inbox. In the confirming transaction: the notice
    exists exactly when the grant does. Stored in the site's language; shown in the reader's
    (selectors.inbox_messages_shown)."""
    with override(settings.LANGUAGE_CODE):
        subject, body = role_grant_notice(grant)
    InboxMessage.objects.bulk_create(
        [
            InboxMessage(recipient=user, role_grant=grant, subject=subject, body=body)
            for user in recipients
        ],
        ignore_conflicts=True,  # inbox_once_per_role_grant
    )


def inbox_mark_read(*, user: User, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all unread ones when ``message_ids`` is None)."""
    messages = InboxMessage.objects.filter(recipient=user, read_at__isnull=True)
    if message_ids is not None:
        messages = messages.filter(pk__in=list(message_ids))
    return messages.update(read_at=timezone.now())
