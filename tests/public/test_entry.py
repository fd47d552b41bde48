"""The entry page: printed text, case, public timeline, errata, media, repeat offenders."""

import datetime

import pytest
from django.urls import reverse

from public.selectors import TimelineItem
from publicity.enums import EntryStatus
from rectification.enums import EventKind
from tests.factories import (
    EntryFactory,
    ErratumFactory,
    EventFactory,
    ListedEntryFactory,
    MediaReportFactory,
    PublishedBatchFactory,
)

pytestmark = pytest.mark.django_db


def url(entry):
    return reverse("public:entry-detail", args=[entry.pk])


def at(day):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


def test_entry_detail_timeline_has_public_events_errata_and_media(client):
    entry = ListedEntryFactory()
    EventFactory(
        case=entry.case,
        kind=EventKind.PROGRESS,
        text="已清理通道",
        at=at(datetime.date(2009, 3, 20)),
    )
    EventFactory(case=entry.case, kind=EventKind.SUPERVISION, text="内部督办", is_public=False)
    EventFactory(
        case=entry.case,
        kind=EventKind.REINSPECTION_PASSED,
        text="复查合格",
        at=at(datetime.date(2009, 4, 20)),
    )
    ErratumFactory(entry=entry)
    report = MediaReportFactory()
    report.entries.add(entry)

    response = client.get(url(entry))

    assert response.status_code == 200
    timeline = response.context["detail"].timeline
    assert timeline == [
        TimelineItem(
            datetime.date(2009, 3, 15), "exposure", f"公示曝光：{entry.batch.label}", "惠州日报"
        ),
        TimelineItem(datetime.date(2009, 3, 20), "event", "整改进展", "已清理通道"),
        TimelineItem(datetime.date(2009, 4, 1), "erratum", "更正", "地址刊登有误"),
        TimelineItem(
            datetime.date(2009, 4, 10),
            "media",
            "跟踪报道：惠州日报",
            "曝光单位整改情况回访",
            "https://news.example/report",
        ),
        TimelineItem(datetime.date(2009, 4, 20), "event", "复查合格", "复查合格"),
    ]
    assert response.context["detail"].corrections == [("地址", "惠州市惠城区江北街道2号")]
    assert "内部督办" not in response.content.decode()


def test_entry_detail_lists_the_units_other_entries(client):
    entry = ListedEntryFactory()
    later = PublishedBatchFactory(published_on=datetime.date(2010, 1, 5))
    again = ListedEntryFactory(batch=later, finding__inspection__enterprise=entry.enterprise)
    EntryFactory(finding__inspection__enterprise=entry.enterprise)  # planned: not public

    response = client.get(url(entry))

    assert [other.pk for other in response.context["detail"].other_entries] == [again.pk]


def test_entry_detail_removed_entry_reachable_with_notice(client):
    entry = ListedEntryFactory()
    entry.status = EntryStatus.REMOVED
    entry.removed_on = datetime.date(2012, 3, 15)
    entry.save(update_fields=["status", "removed_on"])

    response = client.get(url(entry))

    assert response.status_code == 200
    assert response.context["badge"].slug == "removed"
    assert "本条目已不在公示名单上。" in response.content.decode()


@pytest.mark.parametrize("status", [EntryStatus.PLANNED, EntryStatus.WITHDRAWN_ON_OBJECTION])
def test_entry_detail_unpublished_entry_is_404(client, status):
    entry = EntryFactory(status=status)

    assert client.get(url(entry)).status_code == 404


def test_entry_detail_query_count(client, django_assert_num_queries):
    entry = ListedEntryFactory()
    EventFactory.create_batch(3, case=entry.case)

    # Entry, events, errata, media reports, the unit's other entries.
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(6):
        client.get(url(entry))


def test_entry_detail_shows_the_printed_credit_code(client):
    entry = ListedEntryFactory(credit_code="91441302MA0000042A")
    # The registry's code changed after printing: the page keeps what was printed.
    entry.enterprise.credit_code = None
    entry.enterprise.save(update_fields=["credit_code"])

    page = client.get(url(entry)).content.decode()

    assert (
        '<div><dt>统一社会信用代码</dt><dd class="credit-code">91441302MA0000042A</dd></div>'
        in page
    )


def test_entry_detail_of_a_unit_without_credit_code_has_no_code_line(client):
    entry = ListedEntryFactory(credit_code="")

    page = client.get(url(entry)).content.decode()

    assert "统一社会信用代码" not in page
