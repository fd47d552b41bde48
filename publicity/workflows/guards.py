"""What the publication tables share: the refusal message, and the guards about the person
(composer, four eyes, the unit in the person's area)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from core.workflow import Context
from publicity.models import Batch, Entry, Erratum
from registry.authorities import authority_rules
from registry.permissions import in_user_scope, works_for


def refused_message(what: Any) -> Any:
    def refused(state: str, target: str) -> str:
        return _("%(what)s当前为“%(state)s”，不能改为“%(target)s”。") % {
            "what": what,
            "state": state,
            "target": target,
        }

    return refused


# --- Guards about the person -------------------------------------------------------------------


def batch_of(context: Context[Any]) -> Batch:
    obj = context.obj
    if isinstance(obj, Batch):
        return obj
    if isinstance(obj, Entry):
        return obj.batch
    return obj.entry.batch  # an objection or an erratum


def of_authority(context: Context[Any]) -> str | None:
    """Each authority acts on its own batches: another's staff, the province's above it
    included, read them and act on none (a batch being created takes its composer's)."""
    batch = batch_of(context)
    if batch.authority_id is None or works_for(context.actor, batch.authority_id):  # type: ignore[arg-type]
        return None
    return _("该批次属于%(authority)s，只有该机关的工作人员可以办理。") % {
        "authority": authority_rules(batch.authority_id).name
    }


def composer(context: Context[Any]) -> str | None:
    if context.actor.pk != batch_of(context).composed_by_id:
        return _("只有拟稿人可以操作该批次。")
    return None


def not_composer(context: Context[Any]) -> str | None:
    # Four eyes: whoever composed the batch never approves it.
    if context.actor.pk == batch_of(context).composed_by_id:
        return _("拟稿人不能审批自己拟的批次（双人审核）。")
    return None


def not_composer_of_batch(context: Context[Any]) -> str | None:
    # Four eyes: nor does the composer decide the objections to it.
    if context.actor.pk == batch_of(context).composed_by_id:
        return _("拟稿人不能决定本批次的异议。")
    return None


def not_author(context: Context[Erratum]) -> str | None:
    if context.actor.pk == context.obj.author_id:
        return _("更正须由拟稿人以外的审批领导批准。")
    return None


def unit_in_area(context: Context[Any]) -> str | None:
    """A mixed batch holds several districts' units: staff act on their own area's only."""
    entry = context.obj if isinstance(context.obj, Entry) else context.obj.entry
    if not in_user_scope(entry.district, context.actor):  # type: ignore[arg-type]
        return _("该单位不在您的辖区。")
    return None
