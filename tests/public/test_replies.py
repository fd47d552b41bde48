"""A unit's published reply (单位回应) beside its entry: on the page, in the API and the feed,
marked as the unit's own words; never before moderation, never the original text. And a
unit's application for re-inspection: the public sees that it applied, not what it wrote."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from rectification import services
from rectification.replies import reply_publish, reply_refuse, reply_submit
from tests.factories import ListedEntryFactory, staff_user

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


@pytest.fixture
def entry():
    listed = ListedEntryFactory(unit_name="惠城区回应五金厂")
    case = listed.case
    case.deadline = timezone.localdate() + datetime.timedelta(days=10)
    case.save(update_fields=["deadline"])
    return listed


@pytest.fixture
def official():
    return staff_user("official", roles.OFFICIAL)


def published_reply(entry, official, text, redacted=""):
    reply = reply_submit(case=entry.case, text=text)
    return reply_publish(reply=reply, actor=official, published_text=redacted)


def test_entry_page_shows_the_published_reply_marked_as_the_units_words(client, entry, official):
    reply = published_reply(entry, official, f"已整改，联系电话 {PHONE}", redacted="已整改完毕")

    html = client.get(reverse("public:entry-detail", args=[entry.pk])).content.decode()

    assert "已整改完毕" in html
    assert PHONE not in html
    assert "单位回应，惠城区回应五金厂的原话" in html
    assert f'<time datetime="{timezone.localdate(reply.decided_at).isoformat()}">' in html


def test_entry_page_shows_no_reply_pending_or_refused(client, entry, official):
    refused = reply_submit(case=entry.case, text="被拒绝的回应")
    reply_refuse(reply=refused, actor=official, reason="不实")
    reply_submit(case=entry.case, text="待审核的回应")

    html = client.get(reverse("public:entry-detail", args=[entry.pk])).content.decode()

    assert "被拒绝的回应" not in html
    assert "待审核的回应" not in html
    assert 'id="replies-title"' not in html


def test_entry_page_in_english_says_reply_from_the_unit_in_its_own_words(client, entry, official):
    published_reply(entry, official, "已整改")
    client.cookies["django_language"] = "en"

    html = client.get(reverse("public:entry-detail", args=[entry.pk])).content.decode()

    assert "Reply from the unit, in its own words" in html


def test_publishing_a_reply_clears_the_cached_entry_page(
    client, entry, official, django_capture_on_commit_callbacks
):
    url = reverse("public:entry-detail", args=[entry.pk])
    reply = reply_submit(case=entry.case, text="刚公开的回应")
    assert "刚公开的回应" not in client.get(url).content.decode()  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        reply_publish(reply=reply, actor=official)

    assert "刚公开的回应" in client.get(url).content.decode()


def test_entry_page_query_count_unchanged_by_replies(
    client, entry, official, django_assert_num_queries
):
    published_reply(entry, official, "一")
    reply = reply_submit(case=entry.case, text="二")
    reply_publish(reply=reply, actor=official)

    # Entry (with its replies), events, errata, media reports, the unit's other entries.
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(6):
        response = client.get(reverse("public:entry-detail", args=[entry.pk]))
    assert [r["text"] for r in response.context["entry"].public_replies] == ["一", "二"]


def test_api_entry_carries_its_published_replies_with_date_and_text(client, entry, official):
    reply = published_reply(entry, official, f"原文 {PHONE}", redacted="已整改")
    reply_submit(case=entry.case, text="待审核")
    day = timezone.localdate(reply.decided_at).isoformat()

    detail = client.get(reverse("public:api-entry-detail", args=[entry.pk])).json()
    listing = client.get(reverse("public:api-entry-list")).json()

    assert detail["replies"] == [{"date": day, "text": "已整改"}]
    assert listing["results"][0]["replies"] == [{"date": day, "text": "已整改"}]


def test_feed_has_the_published_reply(client, entry, official):
    published_reply(entry, official, f"原文 {PHONE}", redacted="我单位已整改完毕")

    feed = client.get(reverse("public:feed")).content.decode()

    assert "单位回应：惠城区回应五金厂" in feed
    assert "我单位已整改完毕" in feed
    assert PHONE not in feed
    assert reverse("public:entry-detail", args=[entry.pk]) in feed


def test_application_text_is_not_on_the_public_timeline(client, entry):
    """A unit's application is published unmoderated: a phone number typed there must not
    reach the public page; the page says that the unit applied."""
    code, _pdf = services.case_issue_letter(case=entry.case, actor=None)
    client.post(reverse("rectification-unit:login"), {"code": code})
    client.post(
        reverse("rectification-unit:application"),
        {"application-text": f"已整改，请复查，联系人王五 {PHONE}"},
    )
    client.post(reverse("rectification-unit:logout"))

    response = client.get(reverse("public:entry-detail", args=[entry.pk]))
    html = response.content.decode()

    assert PHONE not in html
    assert "王五" not in html
    assert [(item.title, item.text) for item in response.context["detail"].timeline][-1] == (
        "申请复查",
        "",
    )
