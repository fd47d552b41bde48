"""The home page's headline figures, kept in the cache by a beat job."""

from __future__ import annotations

from publicity.selectors import site_counts_compute, site_counts_store


def site_counts_refresh() -> dict[str, int]:
    """Recompute the home page's headline figures and store them in the cache."""
    counts = site_counts_compute()
    site_counts_store(counts)
    return counts
