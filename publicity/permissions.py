"""Who may see which batches, and what they may do: the rights pages show, read from the
workflow tables (publicity.workflows), checked again by the services.

Visibility follows jurisdiction (registry.permissions): staff at their authority's level see
its batches and those of any authority below it (a province's staff every city's); district
staff see the batches they composed and those holding a unit of their district. Only the
batch's own authority's staff act on it (``works_for``, a guard of the publication tables).
:func:`batch_for_user` and :func:`entry_for_user` return the record with the user's rights.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.workflow import Decision, Rights
from publicity.models import Batch, Entry, Erratum, Objection
from publicity.workflows import BATCH, ENTRY, ERRATUM, OBJECTION
from registry.authorities import authorities
from registry.models import Finding
from registry.permissions import (
    authorities_in_scope,
    in_user_scope,
    is_authority_wide,
    scope_to_user,
    user_jurisdiction,
)
from registry.selectors import FINDING_PLACE_PATH

AnyUser = User | AnonymousUser


def visible_batches(user: AnyUser) -> QuerySet[Batch]:
    if not user.is_authenticated or not user.has_perm("publicity.view_batch"):
        return Batch.objects.none()
    if user.is_superuser:
        return Batch.objects.all()
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is not None and is_authority_wide(user):
        return Batch.objects.filter(authority__in=authorities_in_scope(user))
    in_area: Q = Q(pk__in=[])
    if jurisdiction is not None:
        # A batch holds entries of its authority's area only (entry_add), so only a batch of
        # an authority at or above the district (its city's, the province's) or inside it
        # can hold one of the district's: the search for such an entry runs over those
        # batches, not over a province's thousands (each of another city's batches was
        # read through to its last entry to find none: 750 ms a page at 21 cities).
        here = jurisdiction.path
        holds = Exists(Entry.objects.filter(batch=OuterRef("pk"), district__path__startswith=here))
        every = authorities()
        candidates = [
            rules.pk
            for rules in every
            if rules.pk is not None and (here.startswith(rules.path) or rules.path.startswith(here))
        ]
        # (A database without authorities, served by the settings' defaults: no narrowing.)
        in_area = Q(authority_id__in=candidates) & Q(holds) if every else Q(holds)
    return Batch.objects.filter(Q(composed_by=user) | in_area)


def finding_pool_scope(user: AnyUser) -> QuerySet[Finding]:
    """Findings the user may put into a batch: those of inspections that took place in their
    area (wherever the unit is registered)."""
    return scope_to_user(Finding.objects.all(), user, FINDING_PLACE_PATH)


def batch_rights(batch: Batch, user: AnyUser, today: datetime.date | None = None) -> Rights:
    """The BATCH table's moves decided for the user: which buttons the batch page shows."""
    return BATCH.rights(batch, user, today=today or timezone.localdate())


@dataclass(frozen=True)
class EntryRights:
    """What the user may do with one entry of a batch, each move from its table."""

    edit: Decision  # the batch's "edit": change, move, remove the entry while composing
    record_objection: Decision
    add_erratum: Decision
    remove_early: Decision
    letter: bool  # may download its prior-notice letter (the unit is in the user's area)

    @property
    def any(self) -> bool:
        return any((self.edit, self.record_objection, self.add_erratum, self.remove_early.shown))


def entry_rights(
    entry: Entry, user: AnyUser, batch_rights_: Rights, today: datetime.date | None = None
) -> EntryRights:
    today = today or timezone.localdate()
    return EntryRights(
        edit=batch_rights_["edit"],
        record_objection=OBJECTION.decide(entry, "record", user, today=today),
        add_erratum=ERRATUM.decide(entry, "create", user, today=today),
        remove_early=ENTRY.decide(entry, "remove_early", user, today=today),
        letter=in_user_scope(entry.district, user),
    )


def objection_rights(objection: Objection, user: AnyUser) -> Rights:
    return OBJECTION.rights(objection, user, moves=("uphold", "reject"))


def erratum_rights(erratum: Erratum, user: AnyUser) -> Rights:
    return ERRATUM.rights(erratum, user, moves=("approve", "reject"))


def batch_for_user(user: AnyUser, pk: int) -> tuple[Batch, Rights]:
    """The batch if the user may see it (else 404), with what they may do to it."""
    batch = visible_batches(user).select_related("composed_by", "approved_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch, batch_rights(batch, user)


def entry_for_user(user: AnyUser, pk: int) -> tuple[Entry, EntryRights]:
    """An entry of a batch the user may see (else 404), with what they may do with it."""
    entry = (
        Entry.objects.select_related("batch", "district", "department", "case")
        .filter(pk=pk, batch__in=visible_batches(user))
        .first()
    )
    if entry is None:
        raise Http404
    return entry, entry_rights(entry, user, batch_rights(entry.batch, user))


def objection_for_user(user: AnyUser, pk: int) -> tuple[Objection, Rights]:
    objection = (
        Objection.objects.select_related(
            "entry__batch", "entry__district", "recorded_by", "decided_by"
        )
        .filter(pk=pk, entry__batch__in=visible_batches(user))
        .first()
    )
    if objection is None:
        raise Http404
    return objection, objection_rights(objection, user)


def erratum_for_user(user: AnyUser, pk: int) -> tuple[Erratum, Rights]:
    erratum = (
        Erratum.objects.select_related("entry__batch", "entry__district")
        .filter(pk=pk, entry__batch__in=visible_batches(user))
        .first()
    )
    if erratum is None:
        raise Http404
    return erratum, erratum_rights(erratum, user)
