"""The publicity term: entries leave the list when their term runs out, or early by an
official after twelve months of verified rectification."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from core import roles
from publicity.enums import EntryStatus
from publicity.models import Entry
from publicity.services import entries_term_end, entry_remove_early
from publicity.term import TermError, entry_listed_until
from rectification.enums import CaseStatus
from registry.authorities import deployment_authority
from tests.factories import ListedEntryFactory, UserFactory
from tests.support import wait_until

pytestmark = pytest.mark.django_db
PUBLISHED = datetime.date(2020, 3, 15)


@pytest.fixture
def official():
    user = UserFactory(username="official-term")
    user.groups.add(Group.objects.get(name=roles.OFFICIAL))
    return user


def listed(**kwargs):
    return ListedEntryFactory(
        published_on=PUBLISHED,
        listed_until=entry_listed_until(PUBLISHED, deployment_authority()),
        **kwargs,
    )


def test_entry_listed_until_is_three_years_by_default():
    assert entry_listed_until(PUBLISHED, deployment_authority()) == datetime.date(2023, 3, 15)


def test_entries_term_end_removes_only_expired_entries_once(django_assert_num_queries):
    expired = [listed(), listed()]
    current = ListedEntryFactory(published_on=PUBLISHED, listed_until=datetime.date(2023, 3, 20))
    legacy = ListedEntryFactory(published_on=PUBLISHED, listed_until=None)

    # Savepoint, one UPDATE, one INSERT of the entries' history rows, release.
    ContentType.objects.get_for_model(Entry)  # cached once per process
    with django_assert_num_queries(4):
        assert entries_term_end(today=datetime.date(2023, 3, 16)) == 2
    assert entries_term_end(today=datetime.date(2023, 3, 16)) == 0

    for entry in expired:
        entry.refresh_from_db()
        # No words stored: the term's end is said when shown, in the reader's language.
        assert (entry.status, entry.removed_on, entry.removal_reason, entry.removal_shown) == (
            EntryStatus.REMOVED,
            datetime.date(2023, 3, 16),
            "",
            "公示期满",
        )
    assert Entry.objects.get(pk=current.pk).status == EntryStatus.LISTED
    assert Entry.objects.get(pk=legacy.pk).status == EntryStatus.LISTED


def test_entry_remove_early_after_twelve_months_of_verified_rectification(official):
    entry = listed(case__status=CaseStatus.RECTIFIED, case__closed_on=datetime.date(2021, 1, 10))

    with pytest.raises(TermError, match="最早 2022-01-10"):
        entry_remove_early(
            entry=entry, actor=official, reason="已整改", today=datetime.date(2022, 1, 9)
        )
    removed = entry_remove_early(
        entry=entry, actor=official, reason="已整改并通过复查", today=datetime.date(2022, 1, 10)
    )

    assert removed.status == EntryStatus.REMOVED
    assert removed.removal_reason == "已整改并通过复查"
    assert removed.removal_shown == "整改核实后提前移出：已整改并通过复查"
    assert removed.unit_name == entry.unit_name  # the printed text stays


def test_entry_remove_early_refuses_unverified_cases_and_non_officials(official):
    entry = listed()  # its case is still open
    with pytest.raises(TermError, match="尚未经复查核实"):
        entry_remove_early(entry=entry, actor=official, reason="x", today=datetime.date(2025, 1, 1))
    inspector = UserFactory(username="inspector-term")
    inspector.groups.add(Group.objects.get(name=roles.INSPECTOR))
    with pytest.raises(TermError, match="只有审批领导"):
        entry_remove_early(
            entry=entry, actor=inspector, reason="x", today=datetime.date(2025, 1, 1)
        )
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.LISTED


@pytest.mark.django_db(transaction=True)
def test_end_expired_listings_runs_on_a_real_worker(celery_worker):
    from django.utils import timezone

    from publicity.tasks import end_expired_listings

    expired = ListedEntryFactory(
        published_on=PUBLISHED, listed_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    end_expired_listings.delay()

    wait_until(
        lambda: Entry.objects.get(pk=expired.pk).status != EntryStatus.LISTED,
        timeout=20,
        what="the worker ending the listing",
    )
    assert Entry.objects.get(pk=expired.pk).removed_on == timezone.localdate()


def test_entry_remove_early_view_lets_an_official_end_the_listing(client):
    from django.urls import reverse
    from django.utils import timezone

    from tests.factories import staff_user

    official = staff_user("official-view", roles.OFFICIAL)
    today = timezone.localdate()
    entry = ListedEntryFactory(
        case__status=CaseStatus.RECTIFIED,
        case__closed_on=today - datetime.timedelta(days=400),
    )
    url = reverse("publicity:entry-remove-early", args=[entry.pk])
    client.force_login(official)

    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "整改到位一年以上"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.REMOVED
    assert (entry.removal_reason, entry.removal_shown) == (
        "整改到位一年以上",
        "整改核实后提前移出：整改到位一年以上",
    )


def test_entry_remove_early_view_refuses_too_early_and_non_officials(client):
    from django.urls import reverse
    from django.utils import timezone

    from tests.factories import staff_user

    today = timezone.localdate()
    entry = ListedEntryFactory(
        case__status=CaseStatus.RECTIFIED, case__closed_on=today - datetime.timedelta(days=30)
    )
    url = reverse("publicity:entry-remove-early", args=[entry.pk])

    client.force_login(staff_user("inspector-view", roles.INSPECTOR))
    assert client.post(url, {"reason": "x"}).status_code == 403

    client.force_login(staff_user("official-early", roles.OFFICIAL))
    response = client.post(url, {"reason": "已整改"})
    assert response.status_code == 400
    assert "整改核实满 365 天后才能提前移出" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.LISTED
