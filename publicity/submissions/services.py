"""Writes of reports and consultations (举报投诉 / 咨询) and of their triage.

Every status write goes through :func:`submission_transition` (the SUBMISSION table), which
writes the history row in the same transaction. The submitter's name and contact are stored
only on a non-anonymous submission (a database constraint) and shown only to staff holding
``publicity.view_submitter_identity``; nothing public reads them.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ratelimit import rate_limit_hit
from core.workflow import SYSTEM_ACTOR
from publicity.enums import SubmissionKind, SubmissionStatus
from publicity.models import Submission
from publicity.submissions.selectors import (
    TRACKING_ALPHABET,
    TRACKING_GROUP_LENGTH,
    TRACKING_GROUPS,
    submission_assignees,
)
from publicity.submissions.workflow import SUBMISSION, SubmissionError, submission_move_to
from registry.history import history_record, history_record_transition, person_label
from registry.models import Jurisdiction


def tracking_code_new() -> str:
    groups = (
        "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_GROUP_LENGTH))
        for _ in range(TRACKING_GROUPS)
    )
    return "-".join(groups)


def submission_rate_limited(*, client: str) -> bool:
    """Count one submission from ``client``; True once it went over the hourly limit.

    A fixed one-hour window in Redis, shared by every web process.
    """
    return rate_limit_hit(
        f"public:submission-rate:{client}",
        limit=settings.PUBLIC_SUBMISSIONS_PER_HOUR,
        window=3600,
    )


@transaction.atomic
def submission_create(
    *,
    kind: str,
    subject: str,
    body: str,
    unit_name: str = "",
    district: Jurisdiction | None = None,
    is_anonymous: bool,
    submitter_name: str = "",
    submitter_contact: str = "",
) -> Submission:
    """Receive a report or consultation and give it a fresh tracking code.

    Side effects: one Submission row, status "received". An anonymous one keeps no identity,
    whatever was typed into the name and contact fields.
    """
    SUBMISSION.check(Submission(), "receive", SYSTEM_ACTOR)
    if kind not in SubmissionKind.values:
        raise SubmissionError(_("请选择举报投诉或咨询。"))
    if is_anonymous:
        submitter_name, submitter_contact = "", ""
    elif not submitter_contact.strip():
        raise SubmissionError(_("实名提交请留下联系方式，或选择匿名提交。"))
    for _attempt in range(5):
        try:
            # A savepoint per attempt: a clash of codes (1 in 10^23) only retries that insert.
            with transaction.atomic():
                return Submission.objects.create(
                    kind=kind,
                    tracking_code=tracking_code_new(),
                    subject=subject.strip(),
                    body=body.strip(),
                    unit_name=unit_name.strip(),
                    district=district,
                    is_anonymous=is_anonymous,
                    submitter_name=submitter_name.strip(),
                    submitter_contact=submitter_contact.strip(),
                )
        except IntegrityError:
            continue
    raise SubmissionError(_("暂时无法生成查询码，请稍后再试。"))


def submission_transition(
    *, submission: Submission, move: str, actor: User, reply: str | None = None
) -> Submission:
    """Make ``move`` on a locked submission if the SUBMISSION table allows it.

    Side effects: the status (for a status move), the public reply and its time when
    ``reply`` is given, the handler when none was assigned; history rows: the move (status
    old → new), and, in the same transaction, the reply when its text changed (old → new
    text, who, when) and the handler when the actor became it.
    """
    old_reply = submission.public_reply
    fields: dict[str, Any] = {}
    if reply is not None and reply.strip() != old_reply:
        fields["public_reply"] = reply.strip()
        fields["replied_at"] = timezone.now() if reply.strip() else None
    took_it = submission.assigned_to_id is None
    if took_it:
        fields["assigned_to"] = actor
    done = SUBMISSION.apply(submission, move, actor, values={"reply": reply or ""}, fields=fields)
    history_record_transition(obj=submission, actor=actor, transition=done)
    if "public_reply" in fields:
        history_record(
            obj=submission,
            actor=actor,
            move=move,
            field="public_reply",
            old=old_reply,
            new=submission.public_reply,
        )
    if took_it:
        _assignment_record(submission=submission, actor=actor, old=None, new=actor)
    return submission


def _assignment_record(*, submission: Submission, actor: User, old: User | None, new: User) -> None:
    """The history row of a change of handler: old → new, by username, named as people
    read them."""
    old_name = old.get_username() if old is not None else ""
    history_record(
        obj=submission,
        actor=actor,
        move="assign",
        field="assigned_to",
        old=old_name,
        new=new.get_username(),
        labels={old_name: person_label(old), new.get_username(): person_label(new)},
    )


@transaction.atomic
def submission_assign(*, submission: Submission, assignee: User, actor: User) -> Submission:
    """Give a submission to a staff member to handle.

    Side effects: ``assigned_to`` set, with its history row (old → new handler); a received
    submission moves to "in progress".
    """
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("assigned_to")
        .get(pk=submission.pk)
    )
    SUBMISSION.check(submission, "assign", actor)
    if not submission_assignees().filter(pk=assignee.pk).exists():
        raise SubmissionError(_("%(name)s 没有处理举报咨询的权限。") % {"name": assignee})
    previous = submission.assigned_to
    if previous is not None and previous.pk == assignee.pk:
        raise SubmissionError(_("已分派给 %(name)s。") % {"name": person_label(assignee)})
    submission.assigned_to = assignee
    submission.save(update_fields=["assigned_to"])
    _assignment_record(submission=submission, actor=actor, old=previous, new=assignee)
    if submission.status == SubmissionStatus.RECEIVED:
        submission_transition(submission=submission, move="start", actor=actor)
    return submission


@transaction.atomic
def submission_reply(*, submission: Submission, reply: str, status: str, actor: User) -> Submission:
    """Record the public reply and move the submission to ``status`` (the SUBMISSION table).

    Side effects: ``public_reply`` and ``replied_at`` set; the status moved. The reply is
    public: anyone with the tracking code reads it.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    target = SubmissionStatus(status)
    move = submission_move_to(submission, target)
    if move is None:
        raise SubmissionError(
            _("不能从“%(from)s”改为“%(to)s”。")
            % {"from": submission.get_status_display(), "to": target.label}
        )
    return submission_transition(submission=submission, move=move, actor=actor, reply=reply)
