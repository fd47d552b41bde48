"""Reads of the publicity app."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from core.jobs import job_send
from core.workflow import Rights
from publicity.cache import (
    SITE_COUNTS_CACHE_KEY,
    SITE_COUNTS_LAST_KEY,
    SITE_COUNTS_REFRESHING_KEY,
)
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
from registry.models import AuditRecord, Enterprise, Finding
from registry.selectors import audit_history

SITE_COUNTS_TTL_SECONDS = 15 * 60


def site_counts_compute() -> dict[str, int]:
    """The home page's headline figures, straight from the database (four queries)."""
    batches = Batch.objects.filter(status=BatchStatus.PUBLISHED).count()
    published = Entry.objects.exclude(
        status__in=[EntryStatus.PLANNED, EntryStatus.WITHDRAWN_ON_OBJECTION]
    )
    # Units, not entries: a unit exposed in two batches is one exposed unit. A semi-join per
    # enterprise, not a COUNT(DISTINCT) that sorts a million entries.
    exposed = Enterprise.objects.filter(Exists(published.filter(enterprise=OuterRef("pk")))).count()
    listed = Entry.objects.filter(status=EntryStatus.LISTED).count()
    active = Q(status__in=CaseStatus.active())
    cases = Case.objects.aggregate(
        finished=Count(
            "id", filter=Q(status__in=[CaseStatus.RECTIFIED, CaseStatus.CLOSURE_VERIFIED])
        ),
        active=Count("id", filter=active),
        # Case.objects.overdue()'s condition, counted in the same pass.
        overdue=Count("id", filter=active & Q(deadline__lt=timezone.localdate())),
    )
    return {
        "published_batches": batches,
        "exposed_units": exposed,
        "listed_entries": listed,
        "cases_finished": cases["finished"],
        "cases_active": cases["active"],
        "cases_overdue": cases["overdue"],
    }


def site_counts_store(counts: dict[str, int]) -> None:
    cache.set_many({SITE_COUNTS_CACHE_KEY: counts}, SITE_COUNTS_TTL_SECONDS)
    cache.set(SITE_COUNTS_LAST_KEY, counts, timeout=None)
    cache.delete(SITE_COUNTS_REFRESHING_KEY)


def site_counts() -> dict[str, int]:
    """The headline figures from the cache.

    The beat job ``publicity.refresh_site_counts`` keeps them warm. When they were dropped
    (a batch published, a case changed) the last figures computed are shown and one refresh
    job is enqueued: counting a million rows never happens in a visitor's request, except on
    a cache that never held any figures (a new deployment), where they are computed here.
    """
    found = cache.get_many([SITE_COUNTS_CACHE_KEY, SITE_COUNTS_LAST_KEY])
    counts = found.get(SITE_COUNTS_CACHE_KEY)
    if counts is not None:
        return counts  # type: ignore[no-any-return]
    last = found.get(SITE_COUNTS_LAST_KEY)
    if last is not None:
        if cache.add(SITE_COUNTS_REFRESHING_KEY, 1, timeout=60):
            job_send("publicity.refresh_site_counts")
        return last  # type: ignore[no-any-return]
    counts = site_counts_compute()
    site_counts_store(counts)
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


def batch_compose_history(*, batch: Batch) -> list[AuditRecord]:
    """What composing did to the batch's entries (added, edited, reordered, taken out), with
    old and new values, newest first: the history rows of the BATCH table's move ``edit``."""
    return audit_history(batch)


def finding_pool(
    *, user: User, data: QueryDict | None = None
) -> tuple[FindingPoolFilter, QuerySet[Finding]]:
    """Findings proposed for publicity in the user's area and in no batch yet (but those
    withdrawn on an objection), newest first."""

    taken = Entry.objects.filter(
        Q(finding=OuterRef("pk")) | Q(further_findings=OuterRef("pk"))
    ).exclude(status=EntryStatus.WITHDRAWN_ON_OBJECTION)
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
