"""Reads of the publicity app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from core.workflow import Rights
from publicity.cache import SITE_COUNTS_CACHE_KEY
from publicity.enums import BatchStatus, EntryStatus, ErratumStatus, ObjectionDecision
from publicity.filters import BatchFilter, FindingPoolFilter
from publicity.models import Batch, BatchTransition, Entry, Erratum, Objection
from publicity.permissions import (
    entry_rights,
    erratum_rights,
    finding_pool_scope,
    objection_rights,
    visible_batches,
)
from rectification.enums import CaseStatus
from rectification.models import Case
from registry.models import Finding

SITE_COUNTS_TTL_SECONDS = 15 * 60


def site_counts_compute() -> dict[str, int]:
    """The home page's headline figures, straight from the database (four queries)."""
    batches = Batch.objects.filter(status=BatchStatus.PUBLISHED).count()
    entries = Entry.objects.aggregate(
        # Units, not entries: a unit exposed in two batches is one exposed unit.
        exposed=Count(
            "enterprise",
            distinct=True,
            filter=~Q(status__in=[EntryStatus.PLANNED, EntryStatus.WITHDRAWN_ON_OBJECTION]),
        ),
        listed=Count("id", filter=Q(status=EntryStatus.LISTED)),
    )
    cases = Case.objects.aggregate(
        finished=Count(
            "id", filter=Q(status__in=[CaseStatus.RECTIFIED, CaseStatus.CLOSURE_VERIFIED])
        ),
        active=Count("id", filter=Q(status__in=CaseStatus.active())),
    )
    overdue = Case.objects.overdue().count()
    return {
        "published_batches": batches,
        "exposed_units": entries["exposed"],
        "listed_entries": entries["listed"],
        "cases_finished": cases["finished"],
        "cases_active": cases["active"],
        "cases_overdue": overdue,
    }


def site_counts() -> dict[str, int]:
    """The headline figures from the cache, computed on a miss.

    The beat job ``publicity.refresh_site_counts`` keeps the cache warm; publishing a batch
    or changing a case refreshes it too (later issues), so the figures lag by minutes at most.
    """
    counts = cache.get(SITE_COUNTS_CACHE_KEY)
    if counts is None:
        counts = site_counts_compute()
        cache.set(SITE_COUNTS_CACHE_KEY, counts, SITE_COUNTS_TTL_SECONDS)
    return counts


def batches_missing_notice() -> QuerySet[Batch]:
    """Finalised or published batches whose notice PDF has not been built yet."""
    return Batch.objects.filter(
        status__in=[BatchStatus.FINALISED, BatchStatus.PUBLISHED], notice_sha256=""
    ).order_by("year", "number")


# --- Staff pages --------------------------------------------------------------------------------


def batch_list(*, user: User, data: QueryDict | None = None) -> tuple[BatchFilter, QuerySet[Batch]]:
    """Batches the user may see, newest first, with their entry counts (one query a page)."""

    batches = (
        visible_batches(user)
        .select_related("composed_by", "approved_by")
        .annotate(entry_count=Count("entries"))
        .order_by("-created_at", "-id")
    )
    filterset = BatchFilter(data, queryset=batches)
    return filterset, filterset.qs


def batch_entries(*, batch: Batch) -> QuerySet[Entry]:
    """A batch's entries with everything the batch page shows beside each."""
    return (
        batch.entries.select_related("district", "department", "letter", "case")
        .prefetch_related(
            Prefetch(
                "objections",
                queryset=Objection.objects.select_related("decided_by").order_by("id"),
            ),
            Prefetch("errata", queryset=Erratum.objects.select_related("author", "approved_by")),
        )
        .order_by("position")
    )


def with_entry_rights(entries: Iterable[Entry], *, user: User, batch_rights: Rights) -> None:
    """Give each entry of a page its rights, and each of its objections and errata theirs
    (read from the workflow tables; no query beyond what the page prefetched)."""
    for entry in entries:
        entry.rights = entry_rights(entry, user, batch_rights)  # type: ignore[attr-defined]
        for objection in entry.objections.all():
            objection.rights = objection_rights(objection, user)  # type: ignore[attr-defined]
        for erratum in entry.errata.all():
            erratum.rights = erratum_rights(erratum, user)  # type: ignore[attr-defined]


def batch_history(*, batch: Batch) -> QuerySet[BatchTransition]:
    return batch.transitions.select_related("by").order_by("at", "id")


def finding_pool(
    *, user: User, data: QueryDict | None = None
) -> tuple[FindingPoolFilter, QuerySet[Finding]]:
    """Findings proposed for publicity in the user's area and in no batch yet (but those
    withdrawn on an objection), newest first."""

    taken = Entry.objects.filter(finding=OuterRef("pk")).exclude(
        status=EntryStatus.WITHDRAWN_ON_OBJECTION
    )
    findings = (
        finding_pool_scope(user)
        .filter(proposed_for_publicity=True)
        .exclude(Exists(taken))
        .select_related("inspection__enterprise__jurisdiction")
        .order_by("-id")
    )
    filterset = FindingPoolFilter(data, queryset=findings)
    return filterset, filterset.qs


def approval_queue(*, user: User) -> QuerySet[Batch]:
    """Submitted batches the user may approve: never their own."""

    if not user.has_perm("publicity.approve_batch"):
        return Batch.objects.none()
    return (
        visible_batches(user)
        .filter(status=BatchStatus.SUBMITTED)
        .exclude(composed_by=user)
        .select_related("composed_by")
        .annotate(entry_count=Count("entries"))
        .order_by("submitted_at", "id")
    )


def objection_queue(*, user: User) -> QuerySet[Objection]:
    """Undecided objections of batches the user may see, oldest first."""

    return (
        Objection.objects.filter(
            decision=ObjectionDecision.PENDING, entry__batch__in=visible_batches(user)
        )
        .select_related("entry__batch", "recorded_by")
        .order_by("received_on", "id")
    )


def errata_queue(*, user: User) -> QuerySet[Erratum]:
    """Errata awaiting an official's decision (shown to those who may approve them)."""

    if not user.has_perm("publicity.approve_erratum"):
        return Erratum.objects.none()
    return (
        Erratum.objects.filter(
            status=ErratumStatus.SUBMITTED, entry__batch__in=visible_batches(user)
        )
        .exclude(author=user)
        .select_related("entry__batch", "author")
        .order_by("created_at", "id")
    )


def dashboard_panel(*, user: User) -> dict[str, Any]:
    """The staff dashboard's publication panel: what waits for this user (a few COUNTs)."""

    mine = visible_batches(user).filter(composed_by=user)
    today = timezone.localdate()
    visible = visible_batches(user)
    return {
        "drafts": mine.filter(status=BatchStatus.DRAFT).count(),
        "returned": mine.filter(status=BatchStatus.RETURNED).count(),
        "to_approve": approval_queue(user=user).count(),
        "open_objections": objection_queue(user=user).count(),
        "errata_to_decide": errata_queue(user=user).count(),
        "ready_to_finalise": visible.filter(
            status=BatchStatus.APPROVED, notice_period_ends__lt=today
        ).count()
        if user.has_perm("publicity.publish_batch")
        else 0,
        "to_publish": visible.filter(status=BatchStatus.FINALISED).count()
        if user.has_perm("publicity.publish_batch")
        else 0,
    }
