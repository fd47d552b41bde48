"""Rectification deadlines on the official calendar: ordered in calendar days, but a deadline
whose last day is a rest day moves to the next working day (Civil Code art. 203), from the
finding through the printed entry to the case, and every page that shows it says why.
Years the calendar does not know are named on the form, after saving and on the dashboard.

The 2026 stretches (chinese-calendar, seeded by core/0002): National Day 10-01 to 10-07 off,
Saturday 10-10 worked; 2027 and later are not known.
"""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from publicity.models import Entry
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entry_add,
    entry_update,
    notice_build,
)
from rectification.services import case_extend_deadline
from registry.models import Finding
from tests.factories import EnterpriseFactory, FindingFactory, staff_user
from tests.registry.test_inspections import finding_fields, inspection_post

pytestmark = pytest.mark.django_db

D = datetime.date
NATIONAL_DAY_2026 = datetime.datetime(2026, 9, 16, 10, tzinfo=datetime.UTC)
REASON = "原期限 2026-10-01 为国庆节假期，顺延至 2026-10-08"


@pytest.fixture
def inspector():
    return staff_user("insp", "inspector")


def record(client, inspector, date, **finding):
    """Record one finding through the inspection form, as an inspector does."""
    unit = EnterpriseFactory(name="惠城区顺延五金厂")
    client.force_login(inspector)
    response = client.post(
        reverse("registry:inspection-create", args=[unit.pk]),
        inspection_post(
            [inspector],
            [finding_fields(0, proposed_for_publicity="on", **finding)],
            date=date.isoformat(),
        ),
        follow=True,
    )
    assert response.status_code == 200
    return Finding.objects.get(inspection__enterprise=unit), response


@time_machine.travel(NATIONAL_DAY_2026, tick=False)
def test_banning_finding_of_2026_09_16_is_due_after_national_day_and_says_why(client, inspector):
    finding, response = record(client, inspector, D(2026, 9, 16), proposed_disposition="banned")

    # 15 days for 依法取缔 end on 10-01, National Day: the deadline is the first working day.
    assert finding.proposed_deadline == D(2026, 10, 8)
    assert (finding.proposed_deadline_moved_from, finding.proposed_deadline_holiday) == (
        D(2026, 10, 1),
        "国庆节",
    )
    assert REASON in [str(message) for message in get_messages(response.wsgi_request)]
    assert REASON in response.content.decode()  # the inspection page it lands on


@time_machine.travel(NATIONAL_DAY_2026, tick=False)
def test_a_typed_deadline_on_a_saturday_moves_to_monday(client, inspector):
    finding, response = record(client, inspector, D(2026, 9, 16), proposed_deadline="2026-11-07")

    assert (finding.proposed_deadline, finding.proposed_deadline_moved_from) == (
        D(2026, 11, 9),
        D(2026, 11, 7),
    )
    assert "原期限 2026-11-07 为星期六，顺延至 2026-11-09" in response.content.decode()


@time_machine.travel(NATIONAL_DAY_2026, tick=False)
def test_a_deadline_on_a_working_saturday_stays(client, inspector):
    finding, response = record(client, inspector, D(2026, 9, 16), proposed_deadline="2026-10-10")

    assert (finding.proposed_deadline, finding.proposed_deadline_moved_from) == (
        D(2026, 10, 10),
        None,
    )
    assert "顺延" not in response.content.decode().split("<main", 1)[1].split("拟整改期限", 1)[1]


@time_machine.travel(NATIONAL_DAY_2026, tick=False)
def test_editing_an_inspection_keeps_a_moved_deadline_and_its_reason(client, inspector):
    finding, _ = record(client, inspector, D(2026, 9, 16), proposed_disposition="banned")
    data = inspection_post(
        [inspector],
        [
            finding_fields(
                0,
                proposed_disposition="banned",
                proposed_deadline="2026-10-08",
                proposed_for_publicity="on",
                description="改写后的描述",
            )
        ],
        date="2026-09-16",
        **{"findings-INITIAL_FORMS": "1", "findings-0-finding_id": str(finding.pk)},
    )

    client.post(reverse("registry:inspection-edit", args=[finding.inspection_id]), data)

    finding.refresh_from_db()
    assert finding.description == "改写后的描述"
    assert (finding.proposed_deadline, finding.proposed_deadline_moved_from) == (
        D(2026, 10, 8),
        D(2026, 10, 1),
    )


@time_machine.travel(NATIONAL_DAY_2026, tick=False)
def test_the_moved_deadline_and_its_reason_reach_the_entry_the_case_and_the_public_page(
    client, inspector, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    finding, _ = record(client, inspector, D(2026, 9, 16), proposed_disposition="banned")
    official, official2 = staff_user("off", "official"), staff_user("off2", "official")
    batch = batch_create(composer=inspector)
    (entry,) = entry_add(batch=batch, findings=[finding], actor=inspector).created
    Entry.objects.filter(pk=entry.pk).update(responsible_person="王五")
    assert entry.deadline_info.reason == REASON

    batch = batch_approve(batch=batch_submit(batch=batch, actor=inspector), actor=official)
    batch_finalise(
        batch=batch, actor=official2, today=batch.notice_period_ends + datetime.timedelta(1)
    )
    notice_build(batch=batch)
    batch_publish(batch=batch, actor=official, published_on=D(2026, 9, 17), outlet="惠州日报")

    entry.refresh_from_db()
    case = entry.case
    assert (case.deadline, case.deadline_moved_from, case.deadline_holiday) == (
        D(2026, 10, 8),
        D(2026, 10, 1),
        "国庆节",
    )
    public = client.get(reverse("public:entry-detail", args=[entry.pk])).content.decode()
    assert public.count(REASON) == 2  # as printed, and the case's current deadline
    client.force_login(official)
    staff_page = client.get(reverse("rectification:case-detail", args=[case.pk])).content.decode()
    assert REASON in staff_page
    with translation.override("en"):
        english = case.deadline_info.reason
    assert english.startswith("The deadline 2026-10-01 falls in the National Day")
    assert english.endswith("2026-10-08")

    # An extension to a day off moves too, and the page now gives the new reason.
    case_extend_deadline(case=case, actor=official, new_deadline=D(2026, 10, 31), reason="申请延期")
    case.refresh_from_db()
    assert (case.deadline, case.deadline_moved_from, case.deadline_holiday) == (
        D(2026, 11, 2),
        D(2026, 10, 31),
        "",
    )
    assert case.events.order_by("-id").first().new_deadline == D(2026, 11, 2)
    staff_page = client.get(reverse("rectification:case-detail", args=[case.pk])).content.decode()
    assert "原期限 2026-10-31 为星期六，顺延至 2026-11-02" in staff_page


@time_machine.travel(NATIONAL_DAY_2026, tick=False)
def test_a_draft_entry_edited_to_a_holiday_moves(inspector):
    finding = FindingFactory(proposed_deadline=D(2026, 10, 20))
    batch = batch_create(composer=inspector)
    (entry,) = entry_add(batch=batch, findings=[finding], actor=inspector).created

    entry_update(
        entry=entry,
        actor=inspector,
        unit_name=entry.unit_name,
        address=entry.address,
        violation_text=entry.violation_text,
        category=entry.category,
        disposition=entry.disposition,
        rectification_deadline=D(2026, 10, 3),
        department=entry.department,
        responsible_person="王五",
    )

    entry.refresh_from_db()
    assert (entry.rectification_deadline, entry.rectification_deadline_moved_from) == (
        D(2026, 10, 8),
        D(2026, 10, 3),
    )


@time_machine.travel(datetime.datetime(2027, 3, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_a_deadline_in_a_year_the_calendar_does_not_know_is_named_on_form_and_after_saving(
    client, inspector
):
    client.force_login(inspector)
    unit = EnterpriseFactory()
    form = client.get(reverse("registry:inspection-create", args=[unit.pk])).content.decode()
    assert "2027、2028 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算" in form

    finding, response = record(client, inspector, D(2027, 3, 1), proposed_disposition="banned")

    assert finding.proposed_deadline == D(2027, 3, 16)  # weekends only: a Tuesday stays
    assert "2027 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算" in [
        str(message) for message in get_messages(response.wsgi_request)
    ]


@time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC), tick=False)
def test_dashboard_names_the_next_year_the_calendar_lacks(client, inspector):
    client.force_login(inspector)

    page = client.get(reverse("staff-dashboard")).content.decode()

    assert "2027 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算" in page
    assert "节假日安排已录入的年份：2004–2026" in page
