"""Public pages are cached in Redis and dropped by public_cache_invalidate()."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from publicity.enums import EntryStatus
from publicity.public.selectors import public_cache_invalidate, public_cache_version
from publicity.selectors import SITE_COUNTS_CACHE_KEY, site_counts
from tests.factories import ListedEntryFactory

pytestmark = pytest.mark.django_db


def test_entry_list_served_from_cache_until_invalidated(client):
    first = ListedEntryFactory(unit_name="第一家")
    url = reverse("public:entry-list")
    client.get(url)
    # A change the cache does not know of yet (as if written by another process).
    first.status = EntryStatus.REMOVED
    first.save(update_fields=["status"])

    cached = client.get(url)
    public_cache_invalidate()
    fresh = client.get(url)

    assert [e.unit_name for e in cached.context["page"].rows] == ["第一家"]
    assert fresh.context["page"].rows == []


def test_public_cache_invalidate_changes_version_and_drops_site_counts():
    site_counts()
    before = public_cache_version()

    public_cache_invalidate()

    assert public_cache_version() != before
    assert cache.get(SITE_COUNTS_CACHE_KEY) is None


def test_public_cache_version_is_stable_between_calls():
    assert public_cache_version() == public_cache_version()
