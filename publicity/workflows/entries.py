"""The tables of what happens to one entry: ENTRY (listed, withdrawn, removed), OBJECTION
during the prior-notice period, ERRATUM after publication."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.workflow import SYSTEM, Context, Move, Refusal, Workflow, needs, when, who
from publicity.enums import (
    BatchStatus,
    EntryStatus,
    ErratumKind,
    ErratumStatus,
    ObjectionDecision,
)
from publicity.errors import PublicationError
from publicity.models import Entry, Erratum, Objection
from publicity.term import early_removal_allowed_from
from publicity.workflows.guards import (
    not_author,
    not_composer_of_batch,
    of_authority,
    refused_message,
    unit_in_area,
)
from registry.authorities import authority_for

# --- Entries -------------------------------------------------------------------------------------


def _early_removal_due(context: Context[Entry]) -> Refusal | None:
    allowed_from = early_removal_allowed_from(context.obj)
    if allowed_from is None:
        # Not rectified and verified yet: nothing to offer, nor a date to name.
        return Refusal(_("该单位的整改尚未经复查核实，不能提前移出。"), hide=True)
    if context.today < allowed_from:
        days = authority_for(context.obj.district).early_removal_after_days
        return Refusal(
            _("整改核实满 %(days)d 天后才能提前移出：最早 %(date)s。")
            % {"days": days, "date": allowed_from.isoformat()},
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
    refused=refused_message(gettext_lazy("条目")),
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
            guards=(
                who(of_authority),
                when(_early_removal_due),
                needs(_reason_given, field="reason"),
            ),
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
    status_field="decision",
    refused=lambda state, move: _("该异议已经决定。"),
    moves=[
        Move(
            "record",
            (),
            ObjectionDecision.PENDING,
            gettext_lazy("登记异议"),
            permission="publicity.add_objection",
            guards=(
                who(of_authority),
                who(unit_in_area),
                when(_in_notice_period),
                when(_entry_planned),
                needs(_received_in_period, field="received_on"),
                needs(_statement_given, field="statement"),
            ),
        ),
        Move(
            "uphold",
            (ObjectionDecision.PENDING,),
            ObjectionDecision.UPHELD,
            gettext_lazy("异议成立"),
            permission="publicity.decide_objection",
            guards=(
                who(of_authority),
                who(not_composer_of_batch),
                when(_batch_in_notice_period),
                needs(_reasons_given, field="reasons"),
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
                who(of_authority),
                who(not_composer_of_batch),
                when(_batch_in_notice_period),
                needs(_reasons_given, field="reasons"),
            ),
        ),
    ],
)


# --- Errata --------------------------------------------------------------------------------------


def _entry_listed(context: Context[Entry]) -> Refusal | None:
    if context.obj.status != EntryStatus.LISTED:
        return Refusal(_("只能更正或撤回正在公示的条目。"), hide=True)
    return None


def pending_errata() -> QuerySet[Erratum]:
    """Errata awaiting an official's decision: while an entry has one, it takes no other."""
    return Erratum.objects.filter(status=ErratumStatus.SUBMITTED)


def _no_erratum_pending(context: Context[Entry]) -> str | None:
    # A page's rows come with the answer (publicity.selectors.batch_entries annotates
    # ``erratum_pending`` from pending_errata): one query for the page, not one a row.
    pending = getattr(context.obj, "erratum_pending", None)
    if pending is None:
        pending = pending_errata().filter(entry=context.obj).exists()
    if pending:
        return _("该条目已有一份待审批的更正。")
    return None


def _erratum_reason_given(context: Context[Entry]) -> str | None:
    if not str(context.values.get("reason", "")).strip():
        return _("请填写更正理由。")
    return None


def _corrections_given(context: Context[Entry]) -> str | None:
    if context.values.get("kind") == ErratumKind.CORRECT and not context.values.get("corrections"):
        return _("更正时请至少填写一项更正后的内容。")
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
                who(of_authority),
                who(unit_in_area),
                when(_entry_listed),
                when(_no_erratum_pending),
                needs(_erratum_reason_given, field="reason"),
                needs(_corrections_given),
            ),
        ),
        Move(
            "approve",
            (ErratumStatus.SUBMITTED,),
            ErratumStatus.APPROVED,
            gettext_lazy("批准更正"),
            permission="publicity.approve_erratum",
            guards=(who(of_authority), who(not_author)),
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
            guards=(who(of_authority), who(not_author)),
        ),
    ],
)
