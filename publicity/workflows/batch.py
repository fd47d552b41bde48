"""The BATCH table: draft → submitted → approved (prior notice) → finalised → published."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import Context, Move, Refusal, Workflow, needs, when, who
from publicity.enums import (
    BatchStatus,
    EntryStatus,
    ObjectionDecision,
)
from publicity.errors import PublicationError
from publicity.models import Batch, Objection
from publicity.workflows.guards import composer, not_composer, of_authority, refused_message

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
    refused=refused_message(gettext_lazy("批次")),
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
            guards=(who(of_authority), who(composer)),
            effects=(gettext_lazy("增删、排序、修改条目（记入操作记录）"),),
        ),
        Move(
            "submit",
            (BatchStatus.DRAFT,),
            BatchStatus.SUBMITTED,
            gettext_lazy("提交审批"),
            permission="publicity.change_batch",
            guards=(
                who(of_authority),
                who(composer),
                when(_has_entries),
                when(_follow_up_complete),
            ),
            effects=(gettext_lazy("记录提交时间"),),
        ),
        Move(
            "return",
            (BatchStatus.SUBMITTED,),
            BatchStatus.RETURNED,
            gettext_lazy("退回"),
            permission="publicity.approve_batch",
            guards=(who(of_authority), who(not_composer), needs(_comment_given, field="comment")),
        ),
        Move(
            "reopen",
            (BatchStatus.RETURNED,),
            BatchStatus.DRAFT,
            gettext_lazy("改回草稿修改"),
            permission="publicity.change_batch",
            guards=(who(of_authority), who(composer)),
        ),
        Move(
            "approve",
            (BatchStatus.SUBMITTED,),
            BatchStatus.APPROVED,
            gettext_lazy("批准"),
            permission="publicity.approve_batch",
            guards=(who(of_authority), who(not_composer)),
            effects=(
                gettext_lazy("按机关和年度编号（不跳号）"),
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
                who(of_authority),
                when(_notice_period_over),
                when(_objections_decided),
                when(_some_entry_planned),
            ),
            effects=(
                gettext_lazy("未被撤出的条目按顺序编定刊登序号"),
                gettext_lazy("公告PDF生成任务（发件箱）"),
            ),
        ),
        Move(
            "publish",
            (BatchStatus.FINALISED,),
            BatchStatus.PUBLISHED,
            gettext_lazy("发布"),
            permission="publicity.publish_batch",
            guards=(
                who(of_authority),
                when(_notice_built),
                needs(_outlet_given, field="outlet"),
                needs(_published_after_finalised, field="published_on"),
            ),
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
            guards=(who(of_authority),),
        ),
    ],
)
