"""The reminder sweep, moving the date forward through a case's life: 7/3/1 days before the
deadline, the first overdue day, weekly after, escalation — each exactly once."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils.translation import override

from core import roles
from rectification.enums import CaseStatus, EventKind, ReminderKind
from rectification.models import Case, Event, InboxMessage, Reminder
from rectification.reminder_texts import reminder_facts, reminder_text
from rectification.reminders import reminders_due, reminders_sweep
from rectification.selectors import inbox_unread_count
from tests.factories import CaseFactory, EnterpriseFactory, staff_user

DEADLINE = datetime.date(2009, 4, 30)


def day(offset: int) -> datetime.date:
    return DEADLINE + datetime.timedelta(days=offset)


def people():
    """A liaison of the case's department, one of another department, a city supervisor and
    a supervisor of another district."""
    return {
        "liaison": staff_user(
            "liaison", roles.LIAISON, department="city_housing", email="liaison@example.cn"
        ),
        "other_liaison": staff_user(
            "fire", roles.LIAISON, department="city_fire", email="fire@example.cn"
        ),
        "supervisor": staff_user("sup", roles.SUPERVISOR, email="sup@example.cn"),
        "far_supervisor": staff_user(
            "sup_huiyang", roles.SUPERVISOR, jurisdiction="441303", email="hy@example.cn"
        ),
    }


def open_case(**kwargs):
    return CaseFactory(
        enterprise=EnterpriseFactory(),
        deadline=DEADLINE,
        opened_on=datetime.date(2009, 3, 15),
        responsible_email="boss@example.cn",
        **kwargs,
    )


# Table-driven: days relative to the deadline -> the reminders due that day.
@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-8, []),
        (-7, [(ReminderKind.BEFORE_DEADLINE, "2009-04-30:d7")]),
        (-4, [(ReminderKind.BEFORE_DEADLINE, "2009-04-30:d7")]),
        (-3, [(ReminderKind.BEFORE_DEADLINE, "2009-04-30:d3")]),
        (-1, [(ReminderKind.BEFORE_DEADLINE, "2009-04-30:d1")]),
        (0, [(ReminderKind.BEFORE_DEADLINE, "2009-04-30:d1")]),
        (1, [(ReminderKind.OVERDUE, "2009-04-30:w0")]),
        (7, [(ReminderKind.OVERDUE, "2009-04-30:w0")]),
        (8, [(ReminderKind.OVERDUE, "2009-04-30:w1")]),
        (
            14,
            [(ReminderKind.OVERDUE, "2009-04-30:w1"), (ReminderKind.ESCALATION, "2009-04-30")],
        ),
        (
            15,
            [(ReminderKind.OVERDUE, "2009-04-30:w2"), (ReminderKind.ESCALATION, "2009-04-30")],
        ),
    ],
)
def test_reminders_due_follow_the_schedule(offset, expected, settings):
    settings.ESCALATE_AFTER_OVERDUE_DAYS = 14
    case = Case(deadline=DEADLINE)
    assert [(d.kind, d.occasion) for d in reminders_due(case, day(offset))] == expected


EXPECTED_LIFE = [
    (ReminderKind.BEFORE_DEADLINE, "2009-04-30:d7"),
    (ReminderKind.BEFORE_DEADLINE, "2009-04-30:d3"),
    (ReminderKind.BEFORE_DEADLINE, "2009-04-30:d1"),
    (ReminderKind.OVERDUE, "2009-04-30:w0"),
    (ReminderKind.OVERDUE, "2009-04-30:w1"),
    (ReminderKind.ESCALATION, "2009-04-30"),
    (ReminderKind.OVERDUE, "2009-04-30:w2"),
]


def assert_life_sent_once(case: Case, staff: dict) -> None:
    assert list(case.reminders.order_by("id").values_list("kind", "occasion")) == EXPECTED_LIFE
    assert all(r.emailed_at is not None for r in case.reminders.all())
    # Liaison: six reminders; supervisor in the area: the escalation; nobody else anything.
    assert inbox_unread_count(user=staff["liaison"]) == 6
    assert list(
        InboxMessage.objects.filter(recipient=staff["supervisor"]).values_list(
            "reminder__kind", flat=True
        )
    ) == [ReminderKind.ESCALATION]
    assert inbox_unread_count(user=staff["other_liaison"]) == 0
    assert inbox_unread_count(user=staff["far_supervisor"]) == 0
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    name = case.enterprise.name
    expected = []
    for address in ("boss@example.cn", "liaison@example.cn"):
        expected += [
            (address, f"{name} 的整改期限还有 7 天"),
            (address, f"{name} 的整改期限还有 3 天"),
            (address, f"{name} 的整改期限还有 1 天"),
            (address, f"{name} 已逾期 1 天未整改"),
            (address, f"{name} 已逾期 8 天未整改"),
            (address, f"{name} 已逾期 15 天未整改"),
        ]
    expected.append(("sup@example.cn", f"逾期上报督查：{name} 已逾期 14 天"))
    assert sent == sorted(expected)
    assert list(
        case.events.filter(kind__in=[EventKind.REMINDER_SENT, EventKind.ESCALATED])
        .order_by("id")
        .values_list("kind", "is_public")
    ) == [(EventKind.REMINDER_SENT, False)] * 5 + [(EventKind.ESCALATED, False)] + [
        (EventKind.REMINDER_SENT, False)
    ]


@pytest.mark.django_db
def test_reminders_sweep_through_a_case_life_sends_each_once_when_run_twice_a_day(settings):
    settings.ESCALATE_AFTER_OVERDUE_DAYS = 14
    staff = people()
    case = open_case()
    for offset in range(-10, 16):
        reminders_sweep(today=day(offset))
        reminders_sweep(today=day(offset))
    case.refresh_from_db()
    assert case.escalated_at is not None
    assert_life_sent_once(case, staff)


@pytest.mark.django_db
def test_reminders_sweep_new_deadline_starts_its_own_reminders(settings):
    staff_user("liaison", roles.LIAISON, department="city_housing")
    case = open_case()
    reminders_sweep(today=day(-7))
    Case.objects.filter(pk=case.pk).update(deadline=day(30))
    reminders_sweep(today=day(23))
    assert list(case.reminders.order_by("id").values_list("occasion", flat=True)) == [
        "2009-04-30:d7",
        "2009-05-30:d7",
    ]


@pytest.mark.django_db
def test_reminders_sweep_skips_finished_cases():
    staff_user("liaison", roles.LIAISON, department="city_housing")
    open_case(status=CaseStatus.RECTIFIED, closed_on=day(-8))
    assert reminders_sweep(today=day(1)).recorded == 0
    assert Reminder.objects.count() == 0


def _cases_due(n: int) -> None:
    for _i in range(n):
        open_case()


def _bulk_cases(n: int) -> list[Case]:
    """``n`` open cases of one unit, written in one INSERT."""
    enterprise = EnterpriseFactory()
    return Case.objects.bulk_create(
        CaseFactory.build(
            enterprise=enterprise,
            deadline=DEADLINE,
            opened_on=datetime.date(2009, 3, 15),
            responsible_email="boss@example.cn",
        )
        for _i in range(n)
    )


# Before the deadline, first, liaisons, supervisors, departments (5 with the first);
# the chunk: savepoint, the statement, release (3); the outbox: savepoint, claim, mark,
# release (4); a short chunk ends each loop without a further query.
SWEEP_QUERIES = 11


@pytest.mark.django_db
@pytest.mark.parametrize("cases", [1, 30])
def test_reminders_sweep_queries_do_not_grow_with_cases(cases, django_assert_num_queries):
    staff_user("liaison", roles.LIAISON, department="city_housing", email="l@example.cn")
    staff_user("sup", roles.SUPERVISOR, email="s@example.cn")
    _cases_due(cases)
    with django_assert_num_queries(SWEEP_QUERIES):
        result = reminders_sweep(today=day(-7))
    assert (result.recorded, result.emailed) == (cases, cases)
    assert Reminder.objects.count() == cases
    assert len(mail.outbox) == 2 * cases


@pytest.mark.django_db
@pytest.mark.parametrize("cases", [100, 2000])
def test_reminders_sweep_queries_are_the_same_for_100_and_2000_cases(
    cases, settings, django_assert_num_queries
):
    settings.ESCALATE_AFTER_OVERDUE_DAYS = 14
    staff = people()
    _bulk_cases(cases)
    # Day 15 overdue: each case is due its weekly overdue reminder and its escalation.
    with django_assert_num_queries(SWEEP_QUERIES):
        result = reminders_sweep(today=day(15))
    assert (result.recorded, result.emailed, result.undeliverable) == (2 * cases, 2 * cases, 0)
    assert Reminder.objects.filter(kind=ReminderKind.OVERDUE, occasion="2009-04-30:w2").count() == (
        cases
    )
    assert Reminder.objects.filter(kind=ReminderKind.ESCALATION, occasion="2009-04-30").count() == (
        cases
    )
    assert InboxMessage.objects.filter(recipient=staff["liaison"]).count() == cases
    assert InboxMessage.objects.filter(recipient=staff["supervisor"]).count() == cases
    assert InboxMessage.objects.count() == 2 * cases
    assert Event.objects.filter(kind=EventKind.REMINDER_SENT, is_public=False).count() == cases
    assert Event.objects.filter(kind=EventKind.ESCALATED, is_public=False).count() == cases
    assert Case.objects.filter(escalated_at__isnull=True).count() == 0
    # The responsible person and the liaison the overdue reminder, the supervisor the escalation.
    assert len(mail.outbox) == 3 * cases


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_reminders_sweep_writes_the_texts_and_facts_reminder_text_gives(language, settings):
    """The sweep writes its texts in SQL: the same as reminder_text, in the site's language,
    whatever the unit's name holds (a percent sign, a format directive)."""
    settings.LANGUAGE_CODE = language
    settings.ESCALATE_AFTER_OVERDUE_DAYS = 14
    staff_user("liaison", roles.LIAISON, department="city_housing")
    case = CaseFactory(
        enterprise=EnterpriseFactory(name="100% 安全 %s %1$s 五金厂"),
        deadline=DEADLINE,
        responsible_person="王 %d",
    )
    reminders_sweep(today=day(15))
    stored = list(case.reminders.order_by("id"))
    assert [r.kind for r in stored] == [ReminderKind.OVERDUE, ReminderKind.ESCALATION]
    facts = reminder_facts(case, day(15))
    assert facts["days"] == 15
    with override(language):
        for reminder in stored:
            assert reminder.facts == facts
            assert (reminder.subject, reminder.body) == reminder_text(case.pk, reminder.kind, facts)
    assert list(case.events.order_by("id").values_list("kind", "text")) == [
        (EventKind.REMINDER_SENT, stored[0].subject),
        (EventKind.ESCALATED, stored[1].subject),
    ]


@pytest.mark.django_db
def test_reminders_sweep_counts_lead_times_in_working_days(settings):
    settings.REMINDER_DAYS_BEFORE_UNIT = "working"
    staff_user("liaison", roles.LIAISON, department="city_housing")
    # Friday 2026-10-09, after National Day and Mid-autumn: 7, 3 and 1 working days before
    # are 9-22, 9-29 and 10-08 (core.calendar); in calendar days 9-22 would be too early.
    deadline = datetime.date(2026, 10, 9)
    case = CaseFactory(
        enterprise=EnterpriseFactory(), deadline=deadline, opened_on=datetime.date(2026, 9, 1)
    )
    recorded = [
        reminders_sweep(today=datetime.date(2026, 9, d)).recorded for d in (21, 22, 28, 29)
    ] + [reminders_sweep(today=datetime.date(2026, 10, d)).recorded for d in (7, 8, 9)]
    assert recorded == [0, 1, 0, 1, 0, 1, 0]
    assert list(case.reminders.order_by("id").values_list("occasion", flat=True)) == [
        "2026-10-09:d7",
        "2026-10-09:d3",
        "2026-10-09:d1",
    ]


@pytest.mark.django_db(transaction=True)
def test_reminders_sweep_on_two_workers_at_once_sends_each_once(settings):
    settings.ESCALATE_AFTER_OVERDUE_DAYS = 14
    staff = people()
    cases = [open_case() for _i in range(20)]
    for offset in range(-10, 16):
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def run(today=day(offset), start=start, errors=errors):  # noqa: B008 - bound per day
            try:
                start.wait()
                reminders_sweep(today=today)
            except BaseException as error:  # reported to the test thread below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=run) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
    assert Reminder.objects.count() == 20 * len(EXPECTED_LIFE)
    assert InboxMessage.objects.filter(recipient=staff["liaison"]).count() == 20 * 6
    assert InboxMessage.objects.filter(recipient=staff["supervisor"]).count() == 20
    assert len(mail.outbox) == 20 * (6 * 2 + 1)
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 20 * (6 * 2 + 1)
    assert Event.objects.filter(kind=EventKind.REMINDER_SENT).count() == 20 * 6
    assert all(c.reminders.count() == len(EXPECTED_LIFE) for c in cases)
