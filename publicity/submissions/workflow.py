"""The workflow table of a report or consultation (core.workflow): received, handled by a
member of staff it is assigned to, answered publicly, closed."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import SYSTEM, Context, Move, Workflow, needs
from publicity.enums import SubmissionStatus
from publicity.models import Submission


class SubmissionError(Exception):
    """A submission change that cannot be made; the message says why."""


def _reply_given(context: Context[Submission]) -> str | None:
    if not str(context.values.get("reply", "")).strip():
        return _("答复或办结前请填写答复内容。")
    return None


def _reply_kept(context: Context[Submission]) -> str | None:
    # An answered or closed submission keeps a public reply: a change may not blank it.
    if context.obj.status in (SubmissionStatus.ANSWERED, SubmissionStatus.CLOSED):
        return _reply_given(context)
    return None


def _refused(state: str, target: str) -> str:
    return _("不能从“%(from)s”改为“%(to)s”。") % {"from": state, "to": target}


OPEN = (SubmissionStatus.RECEIVED, SubmissionStatus.IN_PROGRESS, SubmissionStatus.ANSWERED)
TRIAGE = "publicity.change_submission"

SUBMISSION: Workflow[Any] = Workflow(
    name="submission",
    states=SubmissionStatus.choices,
    error=SubmissionError,
    state_of=lambda submission: submission.status if submission.pk else None,
    refused=_refused,
    moves=[
        Move(
            "receive",
            (),
            SubmissionStatus.RECEIVED,
            gettext_lazy("受理"),
            by=(SYSTEM,),
            effects=(gettext_lazy("查询码"),),
        ),
        Move(
            "assign",
            OPEN,
            None,
            gettext_lazy("分派"),
            permission=TRIAGE,
            refused=gettext_lazy("已办结的举报咨询不能再分派。"),
            effects=(gettext_lazy("已受理的转为处理中（流转：开始处理）"),),
        ),
        Move(
            "start",
            (SubmissionStatus.RECEIVED, SubmissionStatus.ANSWERED),
            SubmissionStatus.IN_PROGRESS,
            gettext_lazy("处理中"),
            permission=TRIAGE,
        ),
        Move(
            "answer",
            (SubmissionStatus.RECEIVED, SubmissionStatus.IN_PROGRESS),
            SubmissionStatus.ANSWERED,
            gettext_lazy("答复"),
            permission=TRIAGE,
            guards=(needs(_reply_given, field="reply"),),
            effects=(gettext_lazy("答复公开：凭查询码可见"),),
        ),
        Move(
            "close",
            (SubmissionStatus.IN_PROGRESS, SubmissionStatus.ANSWERED),
            SubmissionStatus.CLOSED,
            gettext_lazy("办结"),
            permission=TRIAGE,
            guards=(needs(_reply_given, field="reply"),),
        ),
        Move(
            "note",
            (*OPEN, SubmissionStatus.CLOSED),
            None,
            gettext_lazy("修改答复"),
            permission=TRIAGE,
            guards=(needs(_reply_kept, field="reply"),),
        ),
    ],
)

# The move that takes a submission to each state chosen on the triage page.
MOVE_TO: dict[str, str] = {
    SubmissionStatus.IN_PROGRESS: "start",
    SubmissionStatus.ANSWERED: "answer",
    SubmissionStatus.CLOSED: "close",
}


def submission_move_to(submission: Submission, status: str) -> str | None:
    """The move that saves a reply with ``status`` chosen on the triage page: "note" for
    the submission's own status, else the move into ``status``; None if there is none."""
    move = "note" if status == submission.status else MOVE_TO.get(status)
    return move if move in SUBMISSION.moves else None
