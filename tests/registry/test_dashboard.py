"""The staff dashboard: what each role must do next."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rectification.enums import CaseStatus, ReminderDelivery, ReminderKind
from rectification.models import Reminder
from registry.models import Finding, Jurisdiction
from registry.selectors import findings_awaiting_batch
from staff.views import PANEL_ROWS
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


def _dashboard_rows(people, rows):
    for _ in range(rows):
        inspection = InspectionFactory(created_by=people.inspector)
        FindingFactory(inspection=inspection, proposed_for_publicity=True)
        # Its reminder reached no one: a row of the "undeliverable reminders" panel.
        Reminder.objects.create(
            case=due_case(2),
            kind=ReminderKind.BEFORE_DEADLINE,
            occasion="d3",
            delivery=ReminderDelivery.UNDELIVERABLE,
        )


@pytest.mark.parametrize("rows", [1, 3])
def test_dashboard_query_count_is_constant(client, people, django_assert_num_queries, rows):
    _dashboard_rows(people, rows)
    client.force_login(people.inspector)
    # Fixed work per request (session, user, the permissions of the user and of their
    # groups, the profile — each read once per request), then one query per panel list,
    # whatever the number of rows: 5 fixed, 3 for the back office's panels (a list shorter
    # than a panel is its own count), 4 for the publicity panel's counts, 1 for the
    # rectification panel's queue counts (one query) and 1 for its inbox, 3 for the
    # undeliverable reminders (their count, the cases, and how many reminders of each shown
    # case reached no one; past 1,000 cases of the whole tree one more, the latest reminders
    # walked), and 1 for the years the holiday calendar knows (its revisions; the days come
    # from the process's copy).
    # And the authorities' rules (registry.authorities), read once into the cache; and,
    # the inspector working at the tree's root, whether it is the only root (then their
    # lists carry no area condition).
    with django_assert_num_queries(19):
        response = client.get(reverse("staff-dashboard"))
    assert len(response.context["cases_due"]) == rows
    assert len(response.context["awaiting"]) == rows
    assert response.context["awaiting_count"] == rows


@pytest.mark.parametrize("rows", [PANEL_ROWS + 1, PANEL_ROWS + 4])
def test_dashboard_query_count_is_constant_beyond_a_panel(
    client, people, django_assert_num_queries, rows
):
    _dashboard_rows(people, rows)
    client.force_login(people.inspector)
    # As above, and a count that stops early for each of the three lists longer than their
    # panel (findings awaiting a batch, cases due soon, undeliverable reminders).
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(21):
        response = client.get(reverse("staff-dashboard"))
    assert len(response.context["cases_due"]) == PANEL_ROWS
    assert response.context["cases_due_count"] == rows
    assert len(response.context["awaiting"]) == PANEL_ROWS
    assert response.context["awaiting_count"] == rows


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


def test_finding_awaits_a_batch_until_an_entry_carries_it(people):
    """The database keeps each finding's count of entries (publicity's triggers), whichever
    way an entry takes or releases it: as its principal finding, as a further one, by a
    change of the principal, or by the entry's deletion."""
    inspection = InspectionFactory()
    finding = FindingFactory(inspection=inspection, proposed_for_publicity=True)
    other = FindingFactory(inspection=inspection, proposed_for_publicity=True)

    def awaiting():
        rows, count = findings_awaiting_batch(user=people.inspector)
        assert count == len(rows)
        return sorted(f.pk for f in rows)

    assert awaiting() == sorted([finding.pk, other.pk])
    entry = EntryFactory(finding=other)
    assert awaiting() == [finding.pk]
    entry.further_findings.add(finding)
    assert awaiting() == []
    assert Finding.objects.get(pk=finding.pk).in_entries == 1
    entry.further_findings.remove(finding)
    assert awaiting() == [finding.pk]
    entry.finding = finding
    entry.save()
    assert awaiting() == [other.pk]
    second = EntryFactory(finding=finding)
    assert Finding.objects.get(pk=finding.pk).in_entries == 2
    second.delete()
    entry.delete()
    assert awaiting() == sorted([finding.pk, other.pk])
    assert Finding.objects.filter(pk__in=[finding.pk, other.pk], in_entries=0).count() == 2


def test_finding_withdrawn_on_an_objection_awaits_a_batch_again(people):
    """An entry withdrawn on an upheld objection holds its findings no more, principal and
    further alike: they are back in the composer's pool and on the dashboard, which read the
    one definition (registry.selectors.awaiting_batch)."""
    from publicity.enums import EntryStatus
    from publicity.selectors import finding_pool

    inspection = InspectionFactory()
    principal = FindingFactory(inspection=inspection, proposed_for_publicity=True)
    further = FindingFactory(inspection=inspection, proposed_for_publicity=True)
    entry = EntryFactory(finding=principal)
    entry.further_findings.add(further)

    def awaiting():
        dashboard = sorted(f.pk for f in findings_awaiting_batch(user=people.inspector)[0])
        pool = sorted(f.pk for f in finding_pool(user=people.inspector)[1])
        assert dashboard == pool
        return dashboard

    assert awaiting() == []
    entry.status = EntryStatus.WITHDRAWN_ON_OBJECTION
    entry.save()
    assert awaiting() == sorted([principal.pk, further.pk])
    entry.further_findings.remove(further)  # a withdrawn entry's list changes nothing
    assert awaiting() == sorted([principal.pk, further.pk])
    entry.status = EntryStatus.PLANNED
    entry.save()
    assert awaiting() == [further.pk]


@pytest.mark.parametrize(("limit", "ranked_up_to"), [(1, 1), (2, 1), (2, 1000)])
def test_undeliverable_reminders_latest_first_whichever_way_they_are_read(
    people, monkeypatch, limit, ranked_up_to
):
    from rectification import selectors

    # A queue longer than ranked_up_to is walked from its newest reminders.
    monkeypatch.setattr(selectors, "UNDELIVERABLE_RANKED_UP_TO", ranked_up_to)
    now = timezone.now()
    cases = [due_case(2) for _ in range(3)]
    # Case 0 holds the 45 newest undeliverable reminders, more than the walk reads for a
    # panel of 2 (2 x 20): then the whole queue is ranked. For 1 the walk finds it.
    sent = {0: [n / 10 for n in range(45)], 1: [50], 2: [60]}
    for index, hours in sent.items():
        for n, hour in enumerate(hours):
            reminder = Reminder.objects.create(
                case=cases[index],
                kind=ReminderKind.BEFORE_DEADLINE,
                occasion=f"d{n}",
                delivery=ReminderDelivery.UNDELIVERABLE,
            )
            Reminder.objects.filter(pk=reminder.pk).update(
                sent_at=now - datetime.timedelta(hours=hour)
            )

    rows, count = selectors.undeliverable_reminders(user=people.inspector, limit=limit)

    assert [case.pk for case in rows] == [case.pk for case in cases][:limit]
    assert [case.undeliverable for case in rows] == [45, 1][:limit]
    assert count == 3


def test_undeliverable_reminders_of_an_empty_queue_are_one_query(people, django_assert_num_queries):
    from rectification import selectors

    selectors.undeliverable_reminders(user=people.inspector, limit=10)  # the user's rights read
    with django_assert_num_queries(1):
        assert selectors.undeliverable_reminders(user=people.inspector, limit=10) == ([], 0)


def test_the_database_keeps_which_cases_await_a_contact(people):
    from rectification.models import Case

    def awaiting(case) -> bool:
        return Case.objects.values_list("awaiting_contact", flat=True).get(pk=case.pk)

    case = due_case(2)
    Case.objects.filter(pk=case.pk).update(responsible_email="")
    assert not awaiting(case)
    # A reminder that reached someone, then one that reached no one (as the sweep writes
    # them: inserted, then marked).
    Reminder.objects.create(
        case=case, kind=ReminderKind.BEFORE_DEADLINE, occasion="d1",
        delivery=ReminderDelivery.EMAILED, emailed_at=timezone.now(),
    )  # fmt: skip
    assert not awaiting(case)
    second = Reminder.objects.create(
        case=case, kind=ReminderKind.BEFORE_DEADLINE, occasion="d2",
        delivery=ReminderDelivery.PENDING,
    )  # fmt: skip
    Reminder.objects.filter(pk=second.pk).update(delivery=ReminderDelivery.UNDELIVERABLE)
    assert awaiting(case)
    # Someone adds the responsible person's e-mail: no longer awaiting; removed again: awaiting.
    Case.objects.filter(pk=case.pk).update(responsible_email="boss@example.cn")
    assert not awaiting(case)
    Case.objects.filter(pk=case.pk).update(responsible_email="")
    assert awaiting(case)
    Reminder.objects.filter(pk=second.pk).delete()
    assert not awaiting(case)
