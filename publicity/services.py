"""Writes of the publicity app. Every write goes through a service here."""

from __future__ import annotations

from django.core.cache import cache

from publicity.selectors import SITE_COUNTS_CACHE_KEY, SITE_COUNTS_TTL_SECONDS, site_counts_compute


def site_counts_refresh() -> dict[str, int]:
    """Recompute the home page's headline figures and store them in the cache."""
    counts = site_counts_compute()
    cache.set(SITE_COUNTS_CACHE_KEY, counts, SITE_COUNTS_TTL_SECONDS)
    return counts
