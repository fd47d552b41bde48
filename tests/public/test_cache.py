"""Public pages are cached in Redis and dropped by public_cache_invalidate()."""

import pytest
from django.urls import reverse

from public.selectors import public_cache_invalidate, public_cache_version, site_counts
from publicity.enums import EntryStatus
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

    # The cached page is the stored HTML (no template rendered, so no context).
    assert (cached.context, "第一家" in cached.content.decode()) == (None, True)
    assert fresh.context["page"].rows == []
    assert "第一家" not in fresh.content.decode()


def test_entry_list_for_a_signed_in_visitor_is_read_afresh(client, django_user_model):
    # A signed-in visitor is never served a stored page, and the list keeps no objects of
    # its own in the cache: they see a change at once, without an invalidation.
    client.force_login(django_user_model.objects.create_user("visitor"))
    first = ListedEntryFactory(unit_name="第一家")
    url = reverse("public:entry-list")
    before = client.get(url)
    first.status = EntryStatus.REMOVED
    first.save(update_fields=["status"])

    after = client.get(url)

    assert [e.unit_name for e in before.context["page"].rows] == ["第一家"]
    assert after.context["page"].rows == []


def test_public_cache_invalidate_changes_version_and_drops_site_counts(
    django_assert_num_queries,
):
    ListedEntryFactory()
    site_counts()
    before = public_cache_version()
    with django_assert_num_queries(0):
        cached = site_counts()
    # Written by a process the cache does not know of.
    ListedEntryFactory()

    public_cache_invalidate()

    assert public_cache_version() != before
    assert (cached["listed_entries"], site_counts()["listed_entries"]) == (1, 2)


def test_public_cache_version_is_stable_between_calls():
    assert public_cache_version() == public_cache_version()


def test_a_single_flight_figure_is_computed_once_for_visitors_asking_at_once():
    import threading
    import time

    from public.selectors import public_cached

    computed = []

    def compute():
        computed.append(1)
        time.sleep(0.3)  # a figure that takes a while (the statistics at a million entries)
        return {"figure": 42}

    results = []

    def visitor():
        results.append(public_cached("slow-figure", None, compute, single_flight=True))

    visitors = [threading.Thread(target=visitor) for _ in range(4)]
    for thread in visitors:
        thread.start()
    for thread in visitors:
        thread.join()

    assert (len(computed), results) == (1, [{"figure": 42}] * 4)
    # Afterwards from the cache, and computed afresh once the version changes.
    assert public_cached("slow-figure", None, compute, single_flight=True) == {"figure": 42}
    public_cache_invalidate()
    public_cached("slow-figure", None, compute, single_flight=True)
    assert len(computed) == 2
