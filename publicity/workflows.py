"""The workflow tables of publication: batch, entry, objection, erratum (core.workflow).

Each table is the one statement of its rules: the transition functions in publicity.services
check it before they save, the pages ask it which buttons to show (publicity.permissions),
the admin keeps its states read-only, and docs/architecture.md prints it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import PERSON, SYSTEM, Context, Move, Refusal, Workflow, needs, when, who
from publicity.enums import (
    BatchStatus,
    EntryStatus,
    ErratumKind,
    ErratumStatus,
    ObjectionDecision,
)
from publicity.errors import PublicationError
from publicity.models import Batch, Entry, Erratum, Objection
from publicity.term import early_removal_allowed_from
from registry.permissions import in_user_scope


def _refused(what: Any) -> Any:
    def refused(state: str, target: str) -> str:
        return _("%(what)s当前为“%(state)s”，不能改为“%(target)s”。") % {
            "what": what,
            "state": state,
            "target": target,
        }

    return refused


# --- Guards about the person -------------------------------------------------------------------


def _batch_of(context: Context[Any]) -> Batch:
    obj = context.obj
    if isinstance(obj, Batch):
        return obj
    if isinstance(obj, Entry):
        return obj.batch
    return obj.entry.batch  # an objection or an erratum


def _composer(context: Context[Any]) -> str | None:
    if context.actor.pk != _batch_of(context).composed_by_id:
        return _("只有拟稿人可以操作该批次。")
    return None


def _not_composer(context: Context[Any]) -> str | None:
    # Four eyes: whoever composed the batch never approves it.
    if context.actor.pk == _batch_of(context).composed_by_id:
        return _("拟稿人不能审批自己拟的批次（双人审核）。")
    return None


def _not_composer_of_batch(context: Context[Any]) -> str | None:
    # Four eyes: nor does the composer decide the objections to it.
    if context.actor.pk == _batch_of(context).composed_by_id:
        return _("拟稿人不能决定本批次的异议。")
    return None


def _not_author(context: Context[Erratum]) -> str | None:
    if context.actor.pk == context.obj.author_id:
        return _("更正须由拟稿人以外的审批领导批准。")
    return None


def _unit_in_area(context: Context[Any]) -> str | None:
    """A mixed batch holds several districts' units: staff act on their own area's only."""
    entry = context.obj if isinstance(context.obj, Entry) else context.obj.entry
    if not in_user_scope(entry.district, context.actor):  # type: ignore[arg-type]
        return _("该单位不在您的辖区。")
    return None


# --- Guards about the record now ---------------------------------------------------------------


def _has_entries(context: Context[Batch]) -> str | None:
    if not context.obj.entries.exists():
        return _("批次中还没有单位，不能提交。")
    return None


def _follow_up_complete(context: Context[Batch]) -> str | None:
    missing = list(
        context.obj.entries.filter(responsible_person="")
        .order_by("position")
        .values_list("unit_name", flat=True)
    )
    if missing:
        return _("以下单位还没有填写责任人：%(units)s。") % {"units": "、".join(missing)}
    return None


def _notice_period_over(context: Context[Batch]) -> Refusal | None:
    ends = context.obj.notice_period_ends
    if ends is None or context.today <= ends:
        return Refusal(
            _("告知期到 %(date)s 为止，期满后才能定稿。") % {"date": ends},
            available_from=ends + datetime.timedelta(days=1) if ends else None,
        )
    return None


def _objections_decided(context: Context[Batch]) -> str | None:
    pending = Objection.objects.filter(
        entry__batch=context.obj, decision=ObjectionDecision.PENDING
    ).count()
    if pending:
        return _("还有 %(count)d 件异议未决定，全部决定后才能定稿。") % {"count": pending}
    return None


def _some_entry_planned(context: Context[Batch]) -> str | None:
    if not context.obj.entries.filter(status=EntryStatus.PLANNED).exists():
        return _("所有单位都已撤出，批次中没有可公示的单位。")
    return None


def _notice_built(context: Context[Batch]) -> str | None:
    if not context.obj.notice_sha256:
        return _("公告PDF尚未生成，请稍后再发布。")
    return None


def _notice_built_yet(context: Context[Batch]) -> str | None:
    if not context.obj.notice_sha256:
        return _("公告PDF正在生成，请稍后刷新本页。")
    return None


def _comment_given(context: Context[Any]) -> str | None:
    if not str(context.values.get("comment", "")).strip():
        return _("请填写退回理由。")
    return None


def _outlet_given(context: Context[Batch]) -> str | None:
    if not str(context.values.get("outlet", "")).strip():
        return _("请填写刊登媒体。")
    return None


def _published_after_finalised(context: Context[Batch]) -> str | None:
    published_on = context.values.get("published_on")
    finalised_at = context.obj.finalised_at
    if published_on is None:
        return _("请填写公示日期。")
    from django.utils import timezone

    if finalised_at and published_on < timezone.localdate(finalised_at):
        return _("公示日期不能早于定稿日期。")
    return None


BATCH: Workflow[Batch] = Workflow(
    name="batch",
    states=BatchStatus.choices,
    error=PublicationError,
    state_of=lambda batch: batch.status if batch.pk else None,
    refused=_refused(gettext_lazy("批次")),
    moves=[
        Move(
            "create",
            (),
            BatchStatus.DRAFT,
            gettext_lazy("新建批次"),
            permission="publicity.add_batch",
        ),
        Move(
            "edit",
            (BatchStatus.DRAFT,),
            None,
            gettext_lazy("编辑"),
            permission="publicity.change_batch",
            refused=gettext_lazy("只有草稿状态的批次可以修改；该批次当前为“%(state)s”。"),
            guards=(who(_composer),),
            effects=(gettext_lazy("增删、排序、修改条目（记入操作记录）"),),
        ),
        Move(
            "submit",
            (BatchStatus.DRAFT,),
            BatchStatus.SUBMITTED,
            gettext_lazy("提交审批"),
            permission="publicity.change_batch",
            guards=(who(_composer), when(_has_entries), when(_follow_up_complete)),
            effects=(gettext_lazy("记录提交时间"),),
        ),
        Move(
            "return",
            (BatchStatus.SUBMITTED,),
            BatchStatus.RETURNED,
            gettext_lazy("退回"),
            permission="publicity.approve_batch",
            guards=(who(_not_composer), needs(_comment_given)),
        ),
        Move(
            "reopen",
            (BatchStatus.RETURNED,),
            BatchStatus.DRAFT,
            gettext_lazy("改回草稿修改"),
            permission="publicity.change_batch",
            guards=(who(_composer),),
        ),
        Move(
            "approve",
            (BatchStatus.SUBMITTED,),
            BatchStatus.APPROVED,
            gettext_lazy("批准"),
            permission="publicity.approve_batch",
            guards=(who(_not_composer),),
            effects=(
                gettext_lazy("按年度编号（不跳号）"),
                gettext_lazy("告知期开始"),
                gettext_lazy("告知书生成任务（发件箱）"),
            ),
        ),
        Move(
            "finalise",
            (BatchStatus.APPROVED,),
            BatchStatus.FINALISED,
            gettext_lazy("定稿"),
            permission="publicity.publish_batch",
            guards=(
                when(_notice_period_over),
                when(_objections_decided),
                when(_some_entry_planned),
            ),
            effects=(gettext_lazy("公告PDF生成任务（发件箱）"),),
        ),
        Move(
            "publish",
            (BatchStatus.FINALISED,),
            BatchStatus.PUBLISHED,
            gettext_lazy("发布"),
            permission="publicity.publish_batch",
            guards=(when(_notice_built), needs(_outlet_given), needs(_published_after_finalised)),
            effects=(
                gettext_lazy("每个拟曝光条目立案整改跟踪并公示"),
                gettext_lazy("刷新公开页面缓存"),
            ),
        ),
        Move(
            "preview",
            (
                BatchStatus.DRAFT,
                BatchStatus.SUBMITTED,
                BatchStatus.RETURNED,
                BatchStatus.APPROVED,
            ),
            None,
            gettext_lazy("预览公告（草稿）"),
            permission="publicity.view_batch",
            effects=(gettext_lazy("生成带“草稿”水印的预览PDF（后台任务）"),),
        ),
        Move(
            "download_notice",
            (BatchStatus.FINALISED, BatchStatus.PUBLISHED),
            None,
            gettext_lazy("下载公告PDF"),
            permission="publicity.view_batch",
            guards=(when(_notice_built_yet),),
        ),
        Move(
            "add_media_report",
            (BatchStatus.PUBLISHED,),
            None,
            gettext_lazy("登记跟踪报道"),
            permission="publicity.add_mediareport",
            refused=gettext_lazy("只能为已公示的批次登记跟踪报道。"),
        ),
    ],
)


# --- Entries -------------------------------------------------------------------------------------


def _early_removal_due(context: Context[Entry]) -> Refusal | None:
    allowed_from = early_removal_allowed_from(context.obj)
    if allowed_from is None:
        # Not rectified and verified yet: nothing to offer, nor a date to name.
        return Refusal(_("该单位的整改尚未经复查核实，不能提前移出。"), hide=True)
    if context.today < allowed_from:
        from django.conf import settings

        return Refusal(
            _("整改核实满 %(days)d 天后才能提前移出：最早 %(date)s。")
            % {"days": settings.EARLY_REMOVAL_AFTER_DAYS, "date": allowed_from.isoformat()},
            available_from=allowed_from,
        )
    return None


def _reason_given(context: Context[Any]) -> str | None:
    if not str(context.values.get("reason", "")).strip():
        return _("请填写理由。")
    return None


ENTRY: Workflow[Entry] = Workflow(
    name="entry",
    states=EntryStatus.choices,
    error=PublicationError,
    state_of=lambda entry: entry.status,
    refused=_refused(gettext_lazy("条目")),
    moves=[
        Move(
            "list",
            (EntryStatus.PLANNED,),
            EntryStatus.LISTED,
            gettext_lazy("公示"),
            by=(SYSTEM,),
            effects=(gettext_lazy("批次发布时：立案整改跟踪，记录公示日期和公示期限"),),
        ),
        Move(
            "withdraw_on_objection",
            (EntryStatus.PLANNED,),
            EntryStatus.WITHDRAWN_ON_OBJECTION,
            gettext_lazy("异议成立，撤出"),
            by=(SYSTEM,),
            effects=(gettext_lazy("异议成立时：记录撤出日期和理由"),),
        ),
        Move(
            "withdraw_by_erratum",
            (EntryStatus.LISTED,),
            EntryStatus.WITHDRAWN_BY_ERRATUM,
            gettext_lazy("经更正撤回"),
            by=(SYSTEM,),
            effects=(
                gettext_lazy("撤回更正批准时：撤销整改跟踪"),
                gettext_lazy("刷新公开页面缓存"),
            ),
        ),
        Move(
            "end_term",
            (EntryStatus.LISTED,),
            EntryStatus.REMOVED,
            gettext_lazy("公示期满移出"),
            by=(SYSTEM,),
            effects=(
                gettext_lazy("每日任务：移出公示期满的条目"),
                gettext_lazy("刷新公开页面缓存"),
            ),
        ),
        Move(
            "remove_early",
            (EntryStatus.LISTED,),
            EntryStatus.REMOVED,
            gettext_lazy("提前移出"),
            permission="publicity.remove_entry_early",
            denied=gettext_lazy("只有审批领导可以提前移出公示名单。"),
            guards=(when(_early_removal_due), needs(_reason_given)),
            effects=(gettext_lazy("移出记录公开"), gettext_lazy("刷新公开页面缓存")),
        ),
    ],
)


# --- Objections ----------------------------------------------------------------------------------


def _in_notice_period(context: Context[Entry]) -> Refusal | None:
    if context.obj.batch.status != BatchStatus.APPROVED:
        return Refusal(_("只能在告知期内（批次已批准、未定稿）登记异议。"), hide=True)
    return None


def _entry_planned(context: Context[Entry]) -> Refusal | None:
    if context.obj.status != EntryStatus.PLANNED:
        return Refusal(_("该单位已撤出批次。"), hide=True)
    return None


def _received_in_period(context: Context[Entry]) -> str | None:
    from django.utils import timezone

    batch = context.obj.batch
    received_on = context.values.get("received_on")
    if batch.notice_period_ends is None or batch.approved_at is None:
        return _("批次尚未批准，没有告知期。")
    if received_on is None:
        return _("请填写收到日期。")
    if received_on > batch.notice_period_ends:
        return _("异议须在告知期截止日 %(date)s 前收到。") % {
            "date": batch.notice_period_ends.isoformat()
        }
    if received_on < timezone.localdate(batch.approved_at):
        return _("收到日期不能早于批准日期。")
    return None


def _statement_given(context: Context[Entry]) -> str | None:
    if not str(context.values.get("statement", "")).strip():
        return _("请填写异议理由。")
    return None


def _batch_in_notice_period(context: Context[Objection]) -> str | None:
    if context.obj.entry.batch.status != BatchStatus.APPROVED:
        return _("批次已定稿，异议不能再决定。")
    return None


def _reasons_given(context: Context[Objection]) -> str | None:
    if not str(context.values.get("reasons", "")).strip():
        return _("请填写决定理由。")
    return None


def _objection_state(obj: Objection | Entry) -> str | None:
    # The move that records an objection is asked of the entry it is about.
    return obj.decision if isinstance(obj, Objection) else None


OBJECTION: Workflow[Any] = Workflow(
    name="objection",
    states=ObjectionDecision.choices,
    error=PublicationError,
    state_of=_objection_state,
    refused=lambda state, move: _("该异议已经决定。"),
    moves=[
        Move(
            "record",
            (),
            ObjectionDecision.PENDING,
            gettext_lazy("登记异议"),
            permission="publicity.add_objection",
            guards=(
                who(_unit_in_area),
                when(_in_notice_period),
                when(_entry_planned),
                needs(_received_in_period),
                needs(_statement_given),
            ),
        ),
        Move(
            "uphold",
            (ObjectionDecision.PENDING,),
            ObjectionDecision.UPHELD,
            gettext_lazy("异议成立"),
            permission="publicity.decide_objection",
            guards=(
                who(_not_composer_of_batch),
                when(_batch_in_notice_period),
                needs(_reasons_given),
            ),
            effects=(gettext_lazy("条目撤出批次（条目流转：异议成立，撤出）"),),
        ),
        Move(
            "reject",
            (ObjectionDecision.PENDING,),
            ObjectionDecision.REJECTED,
            gettext_lazy("异议不成立"),
            permission="publicity.decide_objection",
            guards=(
                who(_not_composer_of_batch),
                when(_batch_in_notice_period),
                needs(_reasons_given),
            ),
        ),
    ],
)


# --- Errata --------------------------------------------------------------------------------------


def _entry_listed(context: Context[Entry]) -> Refusal | None:
    if context.obj.status != EntryStatus.LISTED:
        return Refusal(_("只能更正或撤回正在公示的条目。"), hide=True)
    return None


def _no_erratum_pending(context: Context[Entry]) -> str | None:
    if Erratum.objects.filter(entry=context.obj, status=ErratumStatus.SUBMITTED).exists():
        return _("该条目已有一份待审批的更正。")
    return None


def _erratum_content(context: Context[Entry]) -> str | None:
    if not str(context.values.get("reason", "")).strip():
        return _("请填写更正理由。")
    if context.values.get("kind") == ErratumKind.CORRECT and not context.values.get("corrections"):
        return _("请至少填写一项更正后的内容。")
    return None


def _erratum_state(obj: Erratum | Entry) -> str | None:
    return obj.status if isinstance(obj, Erratum) else None


ERRATUM: Workflow[Any] = Workflow(
    name="erratum",
    states=ErratumStatus.choices,
    error=PublicationError,
    state_of=_erratum_state,
    refused=lambda state, move: _("该更正已经处理。"),
    moves=[
        Move(
            "create",
            (),
            ErratumStatus.SUBMITTED,
            gettext_lazy("更正或撤回"),
            permission="publicity.add_erratum",
            guards=(
                who(_unit_in_area),
                when(_entry_listed),
                when(_no_erratum_pending),
                needs(_erratum_content),
            ),
        ),
        Move(
            "approve",
            (ErratumStatus.SUBMITTED,),
            ErratumStatus.APPROVED,
            gettext_lazy("批准更正"),
            permission="publicity.approve_erratum",
            guards=(who(_not_author),),
            effects=(
                gettext_lazy("撤回：条目撤回并撤销整改跟踪"),
                gettext_lazy("刷新公开页面缓存"),
            ),
        ),
        Move(
            "reject",
            (ErratumStatus.SUBMITTED,),
            ErratumStatus.REJECTED,
            gettext_lazy("不予批准"),
            permission="publicity.approve_erratum",
            guards=(who(_not_author),),
        ),
    ],
)

WORKFLOWS = (BATCH, ENTRY, OBJECTION, ERRATUM)
__all__ = ["BATCH", "ENTRY", "ERRATUM", "OBJECTION", "PERSON", "PublicationError", "WORKFLOWS"]
