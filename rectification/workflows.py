"""The workflow table of a rectification case (core.workflow).

Every line of a case's timeline is a move of this table: the status moves (apply for
re-inspection, pass or fail it, cancel) and the actions that keep the status (progress,
deadline extension, supervision, the letter, reminders, escalation). The one transition
function, ``rectification.services.case_transition``, checks it; the case page asks it
which forms to show (``rectification.permissions.case_for_user``); each move names the
timeline event it writes (``EVENT_OF_MOVE``) and whether the public sees it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import PERSON, SYSTEM, UNIT, Context, Move, Refusal, Workflow, needs, when, who
from rectification.enums import CaseGoal, CaseStatus, EventKind
from rectification.models import Case
from registry.authorities import authority_for
from registry.permissions import user_department_id, works_in_authority_of


class CaseError(Exception):
    """A change to a case that cannot be made; the message tells the person why."""


ACTIVE = (CaseStatus.OPEN, CaseStatus.REINSPECTION_REQUESTED)


def department_of(user: Any) -> int | None:
    """The department a liaison works for (read with their profile, once per request)."""
    return user_department_id(user)


def _of_the_department(context: Context[Case]) -> str | None:
    """A liaison acts for their own department's cases (a superuser for any)."""
    user = context.user
    if user is None:  # the unit, through its own code
        return None
    if user.is_superuser or department_of(user) == context.obj.department_id:
        return None
    return _("只有该案件跟踪整改责任单位的联络人可以记录。")


def _follows_the_case(context: Context[Case]) -> str | None:
    """Whoever follows the case up prints its letter and keeps its responsible person's
    contact: its department's liaison, or staff who work the whole area (inspectors)."""
    user = context.user
    if user is None or user.is_superuser or user.has_perm("rectification.view_area_cases"):
        return None
    return _of_the_department(context)


def _of_the_authority(context: Context[Case]) -> str | None:
    """What the case's authority decides (re-inspection, deadline, letter, contact) is its own
    staff's: the province's staff read the case and supervise it, and decide none of it."""
    user = context.user
    case = context.obj
    # The authority of the place its findings were found, wherever the unit is registered.
    if user is None or works_in_authority_of(user, lambda: case.place):
        return None
    return _("该案件由%(authority)s办理，您可以查阅和督查，不能办理。") % {
        "authority": authority_for(case.place).display_name
    }


def _not_applied_yet(context: Context[Case]) -> Refusal | None:
    if context.obj.status == CaseStatus.REINSPECTION_REQUESTED:
        return Refusal(_("该单位已申请复查，正在等待执法人员复查。"), hide=True)
    return None


def _goal_is(goal: str) -> Any:
    def _goal(context: Context[Case]) -> Refusal | None:
        if context.obj.goal != goal:
            return Refusal(
                _("该单位的跟踪目标是“%(goal)s”，不能以“%(to)s”结案。")
                % {
                    "goal": context.obj.get_goal_display(),
                    "to": CaseStatus(FINISHED_BY_GOAL[goal]).label,
                },
                hide=True,
            )
        return None

    _goal.__name__ = f"goal_{goal}"
    return _goal


def _overdue_or_escalated(context: Context[Case]) -> Refusal | None:
    case = context.obj
    if case.is_overdue(context.today) or case.escalated_at is not None:
        return None
    return Refusal(_("只有逾期或已上报督查的整改跟踪才能记录督查。"), hide=True)


def _text_given(message: Any) -> Any:
    def _text(context: Context[Case]) -> str | None:
        return None if str(context.values.get("text", "")).strip() else message

    _text.__name__ = "text_given"
    return _text


def _progress_given(context: Context[Case]) -> str | None:
    if str(context.values.get("text", "")).strip() or context.values.get("files"):
        return None
    return _("请填写整改进展或上传至少一个证据文件。")


def _new_deadline_later(context: Context[Case]) -> str | None:
    new = context.values.get("new_deadline")
    if new is None or new <= context.today:
        return _("复查不合格须给出今天以后的新整改期限。")
    return None


# The responsible person's contact on a case, as the "update_contact" move changes it.
CONTACT_FIELDS = ("responsible_person", "responsible_phone", "responsible_email")


def _contact_changed(context: Context[Case]) -> str | None:
    contact = context.values.get("contact") or {}
    if not str(contact.get("responsible_person", "")).strip():
        return _("请填写责任人姓名。")
    if all(contact.get(name, "") == getattr(context.obj, name) for name in CONTACT_FIELDS):
        return _("责任人联系方式没有变化。")
    return None


def _extension_later(context: Context[Case]) -> str | None:
    new = context.values.get("new_deadline")
    if new is None or new <= context.obj.deadline or new <= context.today:
        return _("新的整改期限须晚于现在的期限（%(deadline)s）和今天。") % {
            "deadline": context.obj.deadline.isoformat()
        }
    return None


# The status that finishes a case, by its goal: a rectified unit, or one verified shut.
FINISHED_BY_GOAL: dict[str, str] = {
    CaseGoal.RECTIFY: CaseStatus.RECTIFIED,
    CaseGoal.VERIFY_CLOSURE: CaseStatus.CLOSURE_VERIFIED,
}

CASE: Workflow[Case] = Workflow(
    name="case",
    states=CaseStatus.choices,
    error=CaseError,
    state_of=lambda case: case.status if case.pk else None,
    refused=lambda state, target: (
        _("该整改跟踪已结束（%(status)s），不能再记录。") % {"status": state}
    ),
    moves=[
        Move(
            "open",
            (),
            CaseStatus.OPEN,
            gettext_lazy("立案跟踪"),
            by=(SYSTEM,),
            effects=(gettext_lazy("批次发布时每个条目一件；签发整改通知书（每分钟任务）"),),
        ),
        Move(
            "progress",
            ACTIVE,
            None,
            gettext_lazy("记录整改进展"),
            by=(PERSON, UNIT),
            permission="rectification.record_case_progress",
            guards=(who(_of_the_department), needs(_progress_given)),
            effects=(gettext_lazy("证据文件"),),
        ),
        Move(
            "apply",
            ACTIVE,
            CaseStatus.REINSPECTION_REQUESTED,
            gettext_lazy("申请复查"),
            by=(PERSON, UNIT),
            permission="rectification.record_case_progress",
            guards=(who(_of_the_department), when(_not_applied_yet)),
            effects=(gettext_lazy("证据文件"),),
        ),
        Move(
            "pass",
            ACTIVE,
            CaseStatus.RECTIFIED,
            gettext_lazy("复查合格"),
            permission="rectification.reinspect_case",
            guards=(who(_of_the_authority), when(_goal_is(CaseGoal.RECTIFY))),
            effects=(gettext_lazy("结案"),),
        ),
        Move(
            "verify_closure",
            ACTIVE,
            CaseStatus.CLOSURE_VERIFIED,
            gettext_lazy("复查核实已关停"),
            permission="rectification.reinspect_case",
            guards=(who(_of_the_authority), when(_goal_is(CaseGoal.VERIFY_CLOSURE))),
            effects=(gettext_lazy("结案"),),
        ),
        Move(
            "fail",
            ACTIVE,
            CaseStatus.OPEN,
            gettext_lazy("复查不合格"),
            permission="rectification.reinspect_case",
            guards=(
                who(_of_the_authority),
                needs(_text_given(gettext_lazy("复查不合格须写明原因。")), field="text"),
                needs(_new_deadline_later, field="new_deadline"),
            ),
            effects=(gettext_lazy("新的整改期限"),),
        ),
        Move(
            "extend",
            ACTIVE,
            None,
            gettext_lazy("延长整改期限"),
            permission="rectification.extend_case_deadline",
            guards=(
                who(_of_the_authority),
                needs(_text_given(gettext_lazy("延长整改期限须写明理由。")), field="text"),
                needs(_extension_later, field="new_deadline"),
            ),
            effects=(gettext_lazy("新的整改期限"),),
        ),
        Move(
            "supervise",
            ACTIVE,
            None,
            gettext_lazy("记录督查"),
            permission="rectification.supervise_case",
            guards=(
                when(_overdue_or_escalated),
                needs(_text_given(gettext_lazy("请写明督查情况。")), field="text"),
            ),
        ),
        Move(
            "issue_letter",
            ACTIVE,
            None,
            gettext_lazy("签发整改通知书"),
            by=(PERSON, SYSTEM),
            permission="rectification.issue_case_letter",
            guards=(who(_of_the_authority), who(_follows_the_case)),
            effects=(gettext_lazy("新访问码，旧访问码作废"),),
        ),
        Move(
            "update_contact",
            ACTIVE,
            None,
            gettext_lazy("更新责任人联系方式"),
            permission="rectification.change_case_contact",
            guards=(who(_of_the_authority), who(_follows_the_case), needs(_contact_changed)),
            effects=(gettext_lazy("提醒邮件发往新的邮箱"),),
        ),
        Move(
            "remind",
            ACTIVE,
            None,
            gettext_lazy("发送提醒"),
            by=(SYSTEM,),
            effects=(gettext_lazy("站内消息和邮件"),),
        ),
        Move(
            "escalate",
            ACTIVE,
            None,
            gettext_lazy("上报督查"),
            by=(SYSTEM,),
            effects=(gettext_lazy("记录上报时间；通知督查人员"),),
        ),
        Move(
            "cancel",
            ACTIVE,
            CaseStatus.CANCELLED,
            gettext_lazy("撤销"),
            by=(SYSTEM,),
            guards=(needs(_text_given(gettext_lazy("撤销整改跟踪须写明原因。")), field="text"),),
            effects=(gettext_lazy("条目经更正撤回时"),),
        ),
    ],
)

# The timeline event each move writes.
EVENT_OF_MOVE: dict[str, str] = {
    "open": EventKind.OPENED,
    "progress": EventKind.PROGRESS,
    "apply": EventKind.REINSPECTION_REQUESTED,
    "pass": EventKind.REINSPECTION_PASSED,
    "verify_closure": EventKind.REINSPECTION_PASSED,
    "fail": EventKind.REINSPECTION_FAILED,
    "extend": EventKind.DEADLINE_EXTENDED,
    "supervise": EventKind.SUPERVISION,
    "issue_letter": EventKind.LETTER_ISSUED,
    "update_contact": EventKind.CONTACT_CHANGED,
    "remind": EventKind.REMINDER_SENT,
    "escalate": EventKind.ESCALATED,
    "cancel": EventKind.CANCELLED,
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
    # A person's phone and e-mail: for staff only.
    EventKind.CONTACT_CHANGED: False,
}

# Kinds whose text stays with staff even where the public sees the event. A unit's
# application for re-inspection is typed by the unit and published unmoderated: the public
# timeline says that it applied, never what it wrote (a phone or ID number typed there).
STAFF_ONLY_TEXT: frozenset[str] = frozenset({EventKind.REINSPECTION_REQUESTED})
