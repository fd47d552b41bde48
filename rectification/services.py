"""Writes of the rectification app. Every change to a case goes through here.

A case's status changes in one place, :func:`case_transition`, checked against the tables
``ALLOWED_BY_PERSON`` (moves a member of staff or the unit may cause) and ``ALLOWED_BY_SYSTEM``
(moves only the system makes: an erratum cancelling the case). The reminder sweep lives in
``rectification.reminders``; the unit's access codes in ``rectification.access``.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ratelimit import rate_limit_hit
from core.uploads import CheckedFile, evidence_check
from rectification.enums import CaseGoal, CaseStatus, EventKind
from rectification.models import AccessCode, Case, Event, EventEvidence, InboxMessage
from rectification.signals import case_changed
from registry.enums import Disposition
from registry.models import Department, Enterprise, Finding


def case_goal_for(disposition: str) -> CaseGoal:
    """取缔 and 关闭 are followed by verifying the unit stays shut; the others by rectification."""
    if disposition in Disposition.ending_operation():
        return CaseGoal.VERIFY_CLOSURE
    return CaseGoal.RECTIFY


@transaction.atomic
def case_open(
    *,
    enterprise: Enterprise,
    findings: Iterable[Finding],
    disposition: str,
    deadline: datetime.date,
    department: Department,
    responsible_person: str,
    opened_on: datetime.date,
    actor: User | None,
) -> Case:
    """Open the rectification case of one exposed unit (called when a batch is published).

    Side effects: the case row, its findings, and an "opened" event visible to the public.
    """
    case = Case.objects.create(
        enterprise=enterprise,
        disposition=disposition,
        goal=case_goal_for(disposition),
        status=CaseStatus.OPEN,
        deadline=max(deadline, opened_on),
        department=department,
        responsible_person=responsible_person,
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


class CaseError(Exception):
    """A change to a case that cannot be made; the message tells the person why."""


# Status moves a person may cause: the unit (through staff or its access code) applying for
# re-inspection, an inspector's re-inspection closing or reopening the case.
ALLOWED_BY_PERSON: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset(
        {CaseStatus.REINSPECTION_REQUESTED, CaseStatus.RECTIFIED, CaseStatus.CLOSURE_VERIFIED}
    ),
    CaseStatus.REINSPECTION_REQUESTED: frozenset(
        {CaseStatus.OPEN, CaseStatus.RECTIFIED, CaseStatus.CLOSURE_VERIFIED}
    ),
}
# Status moves only the system makes: an approved erratum withdrawing the entry.
ALLOWED_BY_SYSTEM: dict[str, frozenset[str]] = {
    CaseStatus.OPEN: frozenset({CaseStatus.CANCELLED}),
    CaseStatus.REINSPECTION_REQUESTED: frozenset({CaseStatus.CANCELLED}),
}
# The status that finishes a case, by its goal: a rectified unit, or one verified shut.
FINISHED_BY_GOAL: dict[str, str] = {
    CaseGoal.RECTIFY: CaseStatus.RECTIFIED,
    CaseGoal.VERIFY_CLOSURE: CaseStatus.CLOSURE_VERIFIED,
}
# Whether the public sees an event of this kind on the entry's timeline. Progress notes are
# the liaison's choice (they may name people or premises); None means "asked each time".
PUBLIC_BY_KIND: dict[str, bool | None] = {
    EventKind.OPENED: True,
    EventKind.PROGRESS: None,
    EventKind.REINSPECTION_REQUESTED: True,
    EventKind.REINSPECTION_PASSED: True,
    EventKind.REINSPECTION_FAILED: True,
    EventKind.DEADLINE_EXTENDED: True,
    EventKind.SUPERVISION: True,
    EventKind.REMINDER_SENT: False,
    EventKind.ESCALATED: False,
    EventKind.CANCELLED: True,
    EventKind.LETTER_ISSUED: False,
}


def event_is_public(kind: str, chosen: bool | None = None) -> bool:
    fixed = PUBLIC_BY_KIND[kind]
    return bool(chosen) if fixed is None else fixed


def case_transition(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    to_status: str | None = None,
    new_deadline: datetime.date | None = None,
    text: str = "",
    is_public: bool | None = None,
    by_system: bool = False,
    today: datetime.date | None = None,
) -> Event:
    """Record one event on a case's timeline and, with ``to_status``, move its status.

    The caller holds the case locked (``select_for_update``) inside a transaction.

    Side effects: the case's ``status``, ``closed_on`` and ``deadline`` (saved with
    ``update_fields``), and one :class:`Event` row, written in the same transaction. A move
    outside ``ALLOWED_BY_PERSON`` (or ``ALLOWED_BY_SYSTEM`` when ``by_system``) raises
    :class:`CaseError`, as does any event on a finished case.
    """
    today = today or timezone.localdate()
    from_status = case.status
    if from_status not in CaseStatus.active():
        raise CaseError(
            _("该整改跟踪已结束（%(status)s），不能再记录。")
            % {"status": case.get_status_display()}
        )
    changed: list[str] = []
    if to_status is not None and to_status != from_status:
        table = ALLOWED_BY_SYSTEM if by_system else ALLOWED_BY_PERSON
        if to_status not in table.get(from_status, frozenset()):
            raise CaseError(
                _("不能从“%(from)s”改为“%(to)s”。")
                % {"from": case.get_status_display(), "to": CaseStatus(to_status).label}
            )
        if to_status in FINISHED_BY_GOAL.values() and to_status != FINISHED_BY_GOAL[case.goal]:
            raise CaseError(
                _("该单位的跟踪目标是“%(goal)s”，不能以“%(to)s”结案。")
                % {"goal": case.get_goal_display(), "to": CaseStatus(to_status).label}
            )
        case.status = to_status
        changed.append("status")
        if to_status not in CaseStatus.active():
            case.closed_on = today
            changed.append("closed_on")
    if new_deadline is not None:
        if new_deadline < case.opened_on:
            raise CaseError(_("新的整改期限不能早于立案日期。"))
        case.deadline = new_deadline
        changed.append("deadline")
    if changed:
        case.save(update_fields=[*changed, "updated_at"])
        # Announced to the layers above (the public site shows status and deadline).
        case_id = case.pk
        transaction.on_commit(lambda: case_changed.send(sender=Case, case_id=case_id))
    return Event.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        from_status=from_status if "status" in changed else "",
        to_status=case.status if "status" in changed else "",
        new_deadline=new_deadline,
        text=text,
        is_public=event_is_public(kind, is_public),
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


@transaction.atomic
def case_cancel(*, case: Case, actor: User | None, reason: str) -> Event:
    """Cancel a case because its entry was withdrawn by an approved erratum (system move).

    Side effects: status ``cancelled``, ``closed_on`` today, a public "cancelled" event.
    """
    if not reason.strip():
        raise CaseError(_("撤销整改跟踪须写明原因。"))
    return case_transition(
        case=_locked(case),
        kind=EventKind.CANCELLED,
        actor=actor,
        to_status=CaseStatus.CANCELLED,
        text=reason.strip(),
        by_system=True,
    )


@transaction.atomic
def case_record_progress(
    *,
    case: Case,
    actor: User | None,
    text: str,
    files: Sequence[UploadedFile | CheckedFile] = (),
    is_public: bool = False,
) -> Event:
    """A liaison's (or the unit's) progress report with its evidence files.

    Side effects: a "progress" event, its evidence rows and stored files.
    """
    if not text.strip() and not files:
        raise CaseError(_("请填写整改进展或上传至少一个证据文件。"))
    event = case_transition(
        case=_locked(case),
        kind=EventKind.PROGRESS,
        actor=actor,
        text=text.strip(),
        is_public=is_public,
    )
    _attach_evidence(event, files)
    return event


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
    if locked.status == CaseStatus.REINSPECTION_REQUESTED:
        raise CaseError(_("该单位已申请复查，正在等待执法人员复查。"))
    event = case_transition(
        case=locked,
        kind=EventKind.REINSPECTION_REQUESTED,
        actor=actor,
        to_status=CaseStatus.REINSPECTION_REQUESTED,
        text=text.strip(),
    )
    _attach_evidence(event, files)
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
    today = today or timezone.localdate()
    locked = _locked(case)
    if passed:
        event = case_transition(
            case=locked,
            kind=EventKind.REINSPECTION_PASSED,
            actor=actor,
            to_status=FINISHED_BY_GOAL[locked.goal],
            text=text.strip(),
            today=today,
        )
    else:
        if not text.strip():
            raise CaseError(_("复查不合格须写明原因。"))
        if new_deadline is None or new_deadline <= today:
            raise CaseError(_("复查不合格须给出今天以后的新整改期限。"))
        event = case_transition(
            case=locked,
            kind=EventKind.REINSPECTION_FAILED,
            actor=actor,
            to_status=CaseStatus.OPEN,
            new_deadline=new_deadline,
            text=text.strip(),
            today=today,
        )
    _attach_evidence(event, files)
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
    today = today or timezone.localdate()
    locked = _locked(case)
    if not reason.strip():
        raise CaseError(_("延长整改期限须写明理由。"))
    if new_deadline <= locked.deadline or new_deadline <= today:
        raise CaseError(
            _("新的整改期限须晚于现在的期限（%(deadline)s）和今天。")
            % {"deadline": locked.deadline.isoformat()}
        )
    event = case_transition(
        case=locked,
        kind=EventKind.DEADLINE_EXTENDED,
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
    today = today or timezone.localdate()
    locked = _locked(case)
    if not (locked.is_overdue(today) or locked.escalated_at is not None):
        raise CaseError(_("只有逾期或已上报督查的整改跟踪才能记录督查。"))
    if not text.strip():
        raise CaseError(_("请写明督查情况。"))
    return case_transition(case=locked, kind=EventKind.SUPERVISION, actor=actor, text=text.strip())


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
    if locked.status not in CaseStatus.active():
        raise CaseError(_("该整改跟踪已结束，不能再签发整改通知书。"))
    now = timezone.now()
    AccessCode.objects.filter(case=locked, revoked_at__isnull=True).update(revoked_at=now)
    code = _access_code_new()
    access = AccessCode.objects.create(
        case=locked, code_hash=access_code_hash(code), issued_at=now, issued_by=actor
    )
    case_transition(case=locked, kind=EventKind.LETTER_ISSUED, actor=actor)
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


def inbox_mark_read(*, user: User, message_ids: Iterable[int] | None = None) -> int:
    """Mark the user's messages read (all unread ones when ``message_ids`` is None)."""
    messages = InboxMessage.objects.filter(recipient=user, read_at__isnull=True)
    if message_ids is not None:
        messages = messages.filter(pk__in=list(message_ids))
    return messages.update(read_at=timezone.now())
