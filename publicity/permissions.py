"""Who may do what with batches, entries, objections and errata: checked on the server.

Visibility follows jurisdiction (registry.permissions): city-level staff see every batch;
district staff see the batches they composed and those holding a unit of their district.
One helper, :func:`batch_for_user`, returns a batch together with what the user may do to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from publicity.enums import BatchStatus
from publicity.models import Batch, Entry
from registry.models import Finding
from registry.permissions import is_city_wide, scope_to_user, user_jurisdiction

AnyUser = User | AnonymousUser


def visible_batches(user: AnyUser) -> QuerySet[Batch]:
    if not user.is_authenticated or not user.has_perm("publicity.view_batch"):
        return Batch.objects.none()
    if is_city_wide(user):
        return Batch.objects.all()
    jurisdiction = user_jurisdiction(user)
    in_area: Q | Exists = Q(pk__in=[])
    if jurisdiction is not None:
        in_area = Exists(
            Entry.objects.filter(batch=OuterRef("pk"), district__path__startswith=jurisdiction.path)
        )
    return Batch.objects.filter(Q(composed_by=user) | in_area)


def finding_pool_scope(user: AnyUser) -> QuerySet[Finding]:
    """Findings the user may put into a batch: those of enterprises in their area."""
    return scope_to_user(Finding.objects.all(), user, "inspection__enterprise__jurisdiction__path")


@dataclass(frozen=True)
class BatchRights:
    can_edit: bool
    can_submit: bool
    can_reopen: bool
    can_approve: bool
    can_record_objection: bool
    can_decide_objection: bool
    can_finalise: bool
    can_publish: bool
    can_add_erratum: bool
    can_decide_erratum: bool
    can_add_media_report: bool


def batch_rights(batch: Batch, user: User) -> BatchRights:
    composer = batch.composed_by_id == user.pk
    status = batch.status
    return BatchRights(
        can_edit=composer
        and status == BatchStatus.DRAFT
        and user.has_perm("publicity.change_batch"),
        can_submit=composer and status == BatchStatus.DRAFT,
        can_reopen=composer and status == BatchStatus.RETURNED,
        can_approve=not composer
        and status == BatchStatus.SUBMITTED
        and user.has_perm("publicity.approve_batch"),
        can_record_objection=status == BatchStatus.APPROVED
        and user.has_perm("publicity.add_objection"),
        can_decide_objection=not composer
        and status == BatchStatus.APPROVED
        and user.has_perm("publicity.decide_objection"),
        can_finalise=status == BatchStatus.APPROVED and user.has_perm("publicity.publish_batch"),
        can_publish=status == BatchStatus.FINALISED and user.has_perm("publicity.publish_batch"),
        can_add_erratum=status == BatchStatus.PUBLISHED and user.has_perm("publicity.add_erratum"),
        can_decide_erratum=status == BatchStatus.PUBLISHED
        and user.has_perm("publicity.approve_erratum"),
        can_add_media_report=status == BatchStatus.PUBLISHED
        and user.has_perm("publicity.add_mediareport"),
    )


def batch_for_user(user: User, pk: int) -> tuple[Batch, BatchRights]:
    """The batch if the user may see it (else 404), with what they may do to it."""
    batch = visible_batches(user).select_related("composed_by", "approved_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch, batch_rights(batch, user)


def entry_for_user(user: User, pk: int) -> tuple[Entry, BatchRights]:
    """An entry of a batch the user may see (else 404), with the rights on its batch."""
    entry = (
        Entry.objects.select_related("batch", "district", "department")
        .filter(pk=pk, batch__in=visible_batches(user))
        .first()
    )
    if entry is None:
        raise Http404
    return entry, batch_rights(entry.batch, user)
