"""Reads of the publicity app."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Count, Q

from publicity.enums import BatchStatus, EntryStatus
from publicity.models import Batch, Entry
from rectification.enums import CaseStatus
from rectification.models import Case

SITE_COUNTS_CACHE_KEY = "site-counts:v1"
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
