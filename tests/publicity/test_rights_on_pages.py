"""Controls the rules would refuse: shown disabled with the day from which they apply, or not
at all, as the workflow tables decide (the rights objects), on the rendered pages."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from publicity.permissions import batch_rights, entry_for_user
from publicity.services import batch_approve
from rectification.enums import CaseStatus
from tests.factories import ListedEntryFactory, staff_user
from tests.publicity.test_staff_views import published, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "inspector": staff_user("insp", "inspector"),
        "official": staff_user("off", "official"),
        "official2": staff_user("off2", "official"),
    }


def actions(html: str) -> str:
    match = re.search(r'<section class="panel panel--action".*?</section>', html, re.S)
    assert match is not None
    return match.group(0)


def row_actions(html: str) -> list[str]:
    cells = re.findall(r'<td class="row-actions">(.*?)</td>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def test_finalise_in_the_notice_period_is_disabled_until_the_day_after(people):
    batch = batch_approve(batch=submitted(people["inspector"]), actor=people["official"])
    ends = batch.notice_period_ends

    during = batch_rights(batch, people["official"], today=ends).finalise
    after = batch_rights(batch, people["official"], today=ends + datetime.timedelta(days=1))

    assert (during.shown, during.allowed, during.refused_by, during.available_from) == (
        True,
        False,
        "notice_period_over",
        ends + datetime.timedelta(days=1),
    )
    assert (after.finalise.shown, after.finalise.allowed) == (True, True)


def test_batch_page_shows_finalise_disabled_with_its_date_in_the_notice_period(client, people):
    batch = batch_approve(batch=submitted(people["inspector"]), actor=people["official"])
    client.force_login(people["official"])
    ends = batch.notice_period_ends
    opens = ends + datetime.timedelta(days=1)

    html = actions(client.get(reverse("publicity:batch-detail", args=[batch.pk])).content.decode())

    assert (
        '<button type="submit" class="button" disabled aria-describedby="move-finalise-why">'
        "定稿</button>"
    ) in html
    assert (
        f'<p class="note" id="move-finalise-why">告知期到 {ends:%Y-%m-%d} 为止，期满后才能定稿。'
        f" （{opens:%Y-%m-%d} 起可办理）</p>"
    ) in html


def test_early_removal_is_not_offered_just_after_publication(client, people, settings, tmp_path):
    batch = published(people, settings, tmp_path)
    entry = batch.entries.get()
    _entry, rights = entry_for_user(people["official"], entry.pk)
    client.force_login(people["official"])

    html = client.get(reverse("publicity:batch-detail", args=[batch.pk])).content.decode()

    assert (rights.remove_early.shown, rights.remove_early.allowed) == (False, False)
    assert row_actions(html) == [f"更正或撤回 {entry.unit_name}"]
    assert "提前移出" not in html


def test_early_removal_waits_for_its_date_after_verified_rectification(client):
    official = staff_user("official-rights", roles.OFFICIAL)
    today = timezone.localdate()
    closed_on = today - datetime.timedelta(days=30)
    opens = closed_on + datetime.timedelta(days=365)
    entry = ListedEntryFactory(case__status=CaseStatus.RECTIFIED, case__closed_on=closed_on)
    _entry, rights = entry_for_user(official, entry.pk)
    client.force_login(official)

    batch_page = client.get(reverse("publicity:batch-detail", args=[entry.batch_id]))
    removal_page = client.get(reverse("publicity:entry-remove-early", args=[entry.pk]))

    decision = rights.remove_early
    assert (decision.shown, decision.allowed, decision.available_from) == (True, False, opens)
    assert row_actions(batch_page.content.decode()) == [
        f"更正或撤回 {entry.unit_name} {opens:%Y-%m-%d} 起可提前移出"
    ]
    html = removal_page.content.decode()
    assert (
        '<button type="submit" class="button" disabled aria-describedby="form-move-why">'
        "移出公示名单</button>"
    ) in html
    assert (
        f'<p class="note" id="form-move-why">整改核实满 365 天后才能提前移出：'
        f"最早 {opens:%Y-%m-%d}。 （{opens:%Y-%m-%d} 起可办理）</p>"
    ) in html


def test_early_removal_page_offers_no_form_before_rectification_is_verified(client):
    official = staff_user("official-rights", roles.OFFICIAL)
    entry = ListedEntryFactory()  # its case is still open
    client.force_login(official)

    response = client.get(reverse("publicity:entry-remove-early", args=[entry.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>该单位的整改尚未经复查核实，不能提前移出。</p>" in html
    assert "<textarea" not in html
    assert "移出公示名单</button>" not in html


def test_early_removal_is_offered_once_due(client):
    official = staff_user("official-rights", roles.OFFICIAL)
    closed_on = timezone.localdate() - datetime.timedelta(days=365)
    entry = ListedEntryFactory(case__status=CaseStatus.RECTIFIED, case__closed_on=closed_on)
    client.force_login(official)

    batch_page = client.get(reverse("publicity:batch-detail", args=[entry.batch_id]))
    removal_page = client.get(reverse("publicity:entry-remove-early", args=[entry.pk]))

    assert row_actions(batch_page.content.decode()) == [
        f"更正或撤回 {entry.unit_name} 提前移出 {entry.unit_name}"
    ]
    assert '<button type="submit" class="button">移出公示名单</button>' in (
        removal_page.content.decode()
    )
