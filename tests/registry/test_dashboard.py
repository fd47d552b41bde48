"""The staff dashboard: what each role must do next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rectification.enums import CaseStatus, ReminderDelivery, ReminderKind
from rectification.models import Reminder
from registry.models import Jurisdiction
from tests.factories import (
    BatchFactory,
    CaseFactory,
    EnterpriseFactory,
    EntryFactory,
    FindingFactory,
    InspectionFactory,
)


def due_case(days, jurisdiction_code="441302002", status=CaseStatus.OPEN):
    today = timezone.localdate()
    return CaseFactory(
        enterprise=EnterpriseFactory(jurisdiction=Jurisdiction.objects.get(code=jurisdiction_code)),
        opened_on=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=days),
        status=status,
        closed_on=None if status in CaseStatus.active() else today,
    )


def test_dashboard_shows_an_inspectors_work(client, people):
    mine = InspectionFactory(created_by=people.inspector_huicheng)
    mine.inspectors.add(people.inspector_huicheng)
    InspectionFactory()  # someone else's
    waiting = FindingFactory(inspection=mine, proposed_for_publicity=True)
    FindingFactory(inspection=mine, proposed_for_publicity=False)
    EntryFactory(finding=FindingFactory(inspection=mine))  # already in a batch
    FindingFactory(
        inspection=InspectionFactory(
            enterprise=EnterpriseFactory(jurisdiction=Jurisdiction.objects.get(code="441303"))
        )
    )  # another district
    soon = due_case(3)
    due_case(7, status=CaseStatus.REINSPECTION_REQUESTED)
    due_case(8)  # later than seven days
    due_case(-1)  # overdue: not "due within 7 days"
    due_case(2, jurisdiction_code="441303")  # another district
    due_case(1, status=CaseStatus.RECTIFIED)  # finished

    client.force_login(people.inspector_huicheng)
    response = client.get(reverse("staff-dashboard"))
    assert [i.pk for i in response.context["recent_inspections"]] == [mine.pk]
    assert [f.pk for f in response.context["awaiting"]] == [waiting.pk]
    assert response.context["awaiting_count"] == 1
    assert response.context["cases_due"][0] == soon
    assert response.context["cases_due_count"] == 2


def test_dashboard_for_a_supervisor_shows_cases_but_no_inspector_panels(client, people):
    due_case(5)
    client.force_login(people.supervisor)
    response = client.get(reverse("staff-dashboard"))
    assert response.context["cases_due_count"] == 1
    assert "recent_inspections" not in response.context
    html = response.content.decode()
    assert "我最近的检查" not in html


def test_dashboard_for_an_administrator_has_no_case_panel(client, people):
    client.force_login(people.admin)
    response = client.get(reverse("staff-dashboard"))
    assert "cases_due" not in response.context


@pytest.mark.parametrize("rows", [1, 3])
def test_dashboard_query_count_is_constant(client, people, django_assert_num_queries, rows):
    for _ in range(rows):
        inspection = InspectionFactory(created_by=people.inspector)
        FindingFactory(inspection=inspection)
        # Its reminder reached no one: a row of the "undeliverable reminders" panel.
        Reminder.objects.create(
            case=due_case(2),
            kind=ReminderKind.BEFORE_DEADLINE,
            occasion="d3",
            delivery=ReminderDelivery.UNDELIVERABLE,
        )
    client.force_login(people.inspector)
    # Fixed work per request (session, user, the permissions of the user and of their
    # groups, the profile — each read once per request), then one query per panel list and
    # one per panel count, whatever the number of rows: 5 fixed, 5 for the back office's
    # panels, 5 for the publicity and rectification panels' counts, 1 for the undeliverable
    # reminders (a short list is its own count), and 1 for the years the holiday calendar
    # knows (its revisions; the days come from the process's copy).
    with django_assert_num_queries(17):
        response = client.get(reverse("staff-dashboard"))
    assert len(response.context["cases_due"]) == rows
    assert len(response.context["awaiting"]) == rows


def test_dashboard_count_panels_share_one_shape(client, people):
    BatchFactory(composed_by=people.inspector)  # a draft of the inspector's own
    client.force_login(people.inspector)

    response = client.get(reverse("staff-dashboard"))

    panels = response.context["count_panels"]
    assert [p["key"] for p in panels] == ["publicity", "rectification"]
    assert [(i["label"], i["count"], i["url"]) for i in panels[0]["items"]] == [
        ("个批次草稿", 1, "/staff/batches/?status=draft")
    ]
    flat = " ".join(response.content.decode().split())
    assert (
        '<li class="panel__count"> <a href="/staff/batches/?status=draft">'
        '<span class="panel__number">1</span> <span class="panel__label">个批次草稿</span></a>'
    ) in flat
    assert '<section class="panel" aria-labelledby="panel-publicity-title">' in flat
    assert '<section class="panel" aria-labelledby="panel-rectification-title">' in flat


def test_dashboard_publicity_panel_says_when_nothing_waits(client, people):
    client.force_login(people.official)

    html = client.get(reverse("staff-dashboard")).content.decode()

    assert "公示曝光方面暂无待办事项。" in html
