"""The public site's cache version.

Public pages are cached in Redis under a version key (public.selectors). A change
the public sees — a batch published, an erratum approved, an entry removed — bumps the
version after its transaction commits, so every cached page is recomputed. Rectification
sits below publicity: it announces a case change (``rectification.signals.case_changed``)
and publicity's receiver (``publicity.apps``) bumps the version.
"""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import transaction

from core.replicas import note_public_change

CACHE_VERSION_KEY = "public-site:version"


def public_cache_version() -> str:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        # add(): of two processes starting at once, both end up on the one that was stored.
        cache.add(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CACHE_VERSION_KEY) or "0"
    return str(version)


def public_cache_invalidate() -> None:
    """Drop every cached public page and figure.

    Bumping the version makes every old key unreachable at once; they expire on their own.
    The primary's position is noted first: a replica serves public pages again only once
    it has replayed the change (core.replicas), so no page of the new version is rendered
    from a replica that has not seen it.
    """
    note_public_change()
    cache.set(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def public_cache_invalidate_on_commit() -> None:
    """Invalidate once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(public_cache_invalidate)
