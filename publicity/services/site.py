"""The home page's headline figures, kept in the cache by a beat job."""

from __future__ import annotations

from django.core.cache import cache

from publicity.cache import SITE_COUNTS_CACHE_KEY
from publicity.selectors import SITE_COUNTS_TTL_SECONDS, site_counts_compute


def site_counts_refresh() -> dict[str, int]:
    """Recompute the home page's headline figures and store them in the cache."""
    counts = site_counts_compute()
    cache.set(SITE_COUNTS_CACHE_KEY, counts, SITE_COUNTS_TTL_SECONDS)
    return counts
