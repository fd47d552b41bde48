"""Celery tasks of the publicity app: thin wrappers around services."""

from __future__ import annotations

import logging

from celery import shared_task

from publicity.services import site_counts_refresh

logger = logging.getLogger(__name__)


@shared_task(name="publicity.refresh_site_counts")
def refresh_site_counts() -> dict[str, int]:
    """Refresh the home page's cached counts (beat: every five minutes). Safe to run twice."""
    counts = site_counts_refresh()
    logger.info("site counts refreshed: %s", counts)
    return counts
