"""The workflow table of the unit's reply to its entry (单位回应, core.workflow).

A published unit answers publicly in its own words: it submits a reply through its access
code; a member of staff who may act on the case publishes it (with personal data taken out
where needed) or refuses it with a reason the unit sees. The one transition function is
``rectification.replies.reply_transition``; each move leaves a history row
(``registry.history.history_record``).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import UNIT, Context, Move, Refusal, Workflow, needs, when
from rectification.enums import ReplyStatus
from rectification.models import Reply
from rectification.personal_data import (
    PersonalData,
    personal_data_found,
    personal_data_listed,
    personal_names,
)

MODERATE = "rectification.moderate_reply"


class ReplyError(Exception):
    """A reply change that cannot be made; the message tells the person why."""


def _none_pending(context: Context[Reply]) -> Refusal | None:
    if Reply.objects.pending().filter(case_id=context.obj.case_id).exists():
        return Refusal(_("您的上一条回应正在审核，审核后才能再提交。"))
    return None


def _text_given(context: Context[Reply]) -> str | None:
    if str(context.values.get("text", "")).strip():
        return None
    return _("请填写回应内容。")


def reply_personal_data(reply: Reply, text: str) -> list[PersonalData]:
    """What looks like personal data in ``text`` of ``reply``: phone numbers, ID numbers,
    e-mail addresses and its case's responsible person's name."""
    return personal_data_found(text, names=personal_names(reply.case.responsible_person))


def _personal_data_confirmed(context: Context[Reply]) -> str | None:
    # The server asks again whatever the page showed: the text to publish is what counts.
    if context.values.get("personal_data_confirmed"):
        return None
    found = reply_personal_data(context.obj, str(context.values.get("text", "")))
    if not found:
        return None
    return _(
        "公开的文本可能含有个人信息（%(items)s）。请删去后再公开；确需公开的，请勾选确认后再保存。"
    ) % {"items": personal_data_listed(found)}


def _reason_given(context: Context[Reply]) -> str | None:
    if str(context.values.get("reason", "")).strip():
        return None
    return _("不予公开须写明理由，单位会看到。")


REPLY: Workflow[Reply] = Workflow(
    name="reply",
    states=ReplyStatus.choices,
    error=ReplyError,
    state_of=lambda reply: reply.status if reply.pk else None,
    refused=lambda state, target: (
        _("该回应已审核（%(status)s），不能再改为“%(to)s”。") % {"status": state, "to": target}
    ),
    moves=[
        Move(
            "submit",
            (),
            ReplyStatus.SUBMITTED,
            gettext_lazy("提交回应"),
            by=(UNIT,),
            guards=(when(_none_pending), needs(_text_given, field="text")),
            effects=(gettext_lazy("附件（可选，仅工作人员可见）"),),
        ),
        Move(
            "publish",
            (ReplyStatus.SUBMITTED,),
            ReplyStatus.PUBLISHED,
            gettext_lazy("公开"),
            permission=MODERATE,
            guards=(needs(_text_given, field="text"), needs(_personal_data_confirmed)),
            effects=(
                gettext_lazy("公开的文本可删去个人信息，原文仅工作人员可见"),
                gettext_lazy("公开的文本仍含可能的个人信息时，须经确认，并记入操作记录"),
                gettext_lazy("公示页面的缓存随之刷新"),
            ),
        ),
        Move(
            "refuse",
            (ReplyStatus.SUBMITTED,),
            ReplyStatus.REFUSED,
            gettext_lazy("不予公开"),
            permission=MODERATE,
            guards=(needs(_reason_given, field="reason"),),
            effects=(gettext_lazy("单位在其页面上看到理由"),),
        ),
    ],
)
