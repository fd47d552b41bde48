"""Each work queue's query against the CASE table's rights: what a queue lists is what the
rights and the visibility rules say, for every role that works it, and the dashboard's
counts are the queues' own."""

import datetime
from types import SimpleNamespace

import pytest
from django.http import Http404
from django.utils import timezone

from core import roles
from core.workflow import UNIT_ACTOR
from rectification.enums import CaseGoal, CaseStatus, ReminderDelivery, ReminderKind
from rectification.models import Case, Reminder
from rectification.permissions import case_for_user
from rectification.selectors import (
    ESCALATED,
    QUEUE_ACTIVE,
    QUEUE_APPLICATIONS,
    QUEUE_OVERDUE,
    QUEUE_SUPERVISION,
    QUEUE_UNDELIVERABLE,
    QUEUES,
    case_queue,
    dashboard_panel,
)
from rectification.workflows import CASE
from registry.models import Department, Jurisdiction
from tests.factories import CaseFactory, EnterpriseFactory, staff_user

pytestmark = pytest.mark.django_db


def day(offset):
    return timezone.localdate() + datetime.timedelta(days=offset)


def make_case(*, deadline_in, status=CaseStatus.OPEN, district="441302", **kwargs):
    return CaseFactory(
        enterprise=EnterpriseFactory(jurisdiction=Jurisdiction.objects.get(code=district)),
        opened_on=day(-90),
        deadline=day(deadline_in),
        status=status,
        closed_on=None if status in CaseStatus.active() else day(-1),
        **kwargs,
    )


@pytest.fixture
def cases():
    """One case of each kind a queue tells apart, in two districts and two departments."""
    made = [
        make_case(deadline_in=5),
        make_case(deadline_in=-3),
        make_case(deadline_in=-1, status=CaseStatus.REINSPECTION_REQUESTED),
        make_case(deadline_in=8, status=CaseStatus.REINSPECTION_REQUESTED),
        make_case(deadline_in=9, escalated_at=timezone.now()),
        make_case(deadline_in=-5, status=CaseStatus.RECTIFIED),
        make_case(deadline_in=-5, status=CaseStatus.CLOSURE_VERIFIED, goal=CaseGoal.VERIFY_CLOSURE),
        make_case(deadline_in=-2, district="441303"),
        make_case(deadline_in=-4, department=Department.objects.exclude(code="city_housing")[0]),
        make_case(deadline_in=0),  # due today: not overdue yet
    ]
    unreached = make_case(deadline_in=2)
    Reminder.objects.create(
        case=unreached,
        kind=ReminderKind.BEFORE_DEADLINE,
        occasion="d3",
        delivery=ReminderDelivery.UNDELIVERABLE,
    )
    return [*made, unreached]


@pytest.fixture
def people():
    return SimpleNamespace(
        inspector=staff_user("inspector", roles.INSPECTOR),
        district_inspector=staff_user("inspector_hc", roles.INSPECTOR, jurisdiction="441302"),
        official=staff_user("official", roles.OFFICIAL),
        liaison=staff_user("liaison", roles.LIAISON, department="city_housing"),
        supervisor=staff_user("supervisor", roles.SUPERVISOR),
        district_supervisor=staff_user("supervisor_hc", roles.SUPERVISOR, jurisdiction="441302"),
    )


ROLES = [
    "inspector",
    "district_inspector",
    "official",
    "liaison",
    "supervisor",
    "district_supervisor",
]


def sees(user, case):
    try:
        case_for_user(user, case.pk)
    except Http404:
        return False
    return True


def by_the_rights(queue, case, people):
    """Whether ``case`` belongs in ``queue`` by the CASE table (for whoever may see it)."""
    today = timezone.localdate()
    if queue == QUEUE_ACTIVE:
        # The states the moves on a case in hand leave from.
        return case.status in CASE.moves["progress"].source
    if queue == QUEUE_APPLICATIONS:
        # The unit has applied: the table refuses it a second application.
        return CASE.decide(case, "apply", UNIT_ACTOR).refused_by == "not_applied_yet"
    if queue == QUEUE_OVERDUE:
        return case.is_overdue(today)
    if queue == QUEUE_SUPERVISION:
        # Supervision may be recorded on it (the input is asked for later).
        return CASE.decide(case, "supervise", people.supervisor, today=today).allowed
    if queue == QUEUE_UNDELIVERABLE:
        # A contact may be added, and a reminder reached no one without one.
        return (
            CASE.decide(case, "update_contact", people.inspector).refused_by == ""
            and case.responsible_email == ""
            and case.reminders.filter(delivery=ReminderDelivery.UNDELIVERABLE).exists()
        )
    raise AssertionError(queue)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("queue", QUEUES)
def test_queue_lists_what_the_rights_say(cases, people, role, queue):
    user = getattr(people, role)
    listed = {case.pk for case in case_queue(user=user, queue=queue)}
    expected = {
        case.pk
        for case in Case.objects.filter(pk__in=[c.pk for c in cases])
        if sees(user, case) and by_the_rights(queue, case, people)
    }
    assert listed == expected


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_counts_are_the_queues(cases, people, role):
    user = getattr(people, role)
    items = dashboard_panel(user=user)["items"]
    assert items
    for item in items:
        if item["key"] == ESCALATED:  # a count of its own, linking to the supervision queue
            expected = sum(
                1
                for case in Case.objects.filter(pk__in=[c.pk for c in cases])
                if sees(user, case)
                and case.status in CaseStatus.active()
                and case.escalated_at is not None
            )
            assert (item["count"], item["url"]) == (
                expected,
                f"/staff/cases/?queue={QUEUE_SUPERVISION}",
            )
        else:
            assert item["count"] == len(case_queue(user=user, queue=item["key"]))
            assert item["url"] == f"/staff/cases/?queue={item['key']}"


# session, user, the role's permissions, the profile (jurisdiction or department), the
# page's count that stops early, the header's two permission lookups (base.html), the rows.
# (Each with the authorities' rules, read once into the cache: registry.authorities.)
# The supervisor works city-wide, at the one-city test database's root: one more query,
# whether that is the only root (then the list carries no area condition).
CASE_LIST_QUERIES = {"liaison": 8, "district_inspector": 8, "supervisor": 9}


@pytest.mark.parametrize("rows", [1, 27])
@pytest.mark.parametrize("role", sorted(CASE_LIST_QUERIES))
def test_case_list_query_count_does_not_grow_with_the_queue(
    client, people, django_assert_num_queries, role, rows
):
    # Overdue cases of the district and the liaison's department: every role's default
    # queue holds them all; 27 is more than a page.
    for _ in range(rows):
        make_case(deadline_in=-3, status=CaseStatus.REINSPECTION_REQUESTED)
    client.force_login(getattr(people, role))
    with django_assert_num_queries(CASE_LIST_QUERIES[role]):
        response = client.get("/staff/cases/")
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == min(rows, 25)
