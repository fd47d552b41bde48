"""The responsible person's contact on a case and the reminders it decides: kept up from the
case page with a timeline record, and a reminder that reached no one listed on the dashboard
rather than marked e-mailed."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from core import roles
from rectification.enums import EventKind, ReminderDelivery, ReminderKind
from rectification.models import Case, Reminder
from rectification.reminders import reminders_sweep
from tests.factories import CaseFactory, EnterpriseFactory, staff_user

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2009, 4, 30)
SEVEN_DAYS_BEFORE = DEADLINE - datetime.timedelta(days=7)
PASSWORD = "a-long-test-password"


def a_case(**kwargs):
    # city_fire: no liaison in these tests unless one is made.
    return CaseFactory(
        enterprise=EnterpriseFactory(name="惠州市某某五金厂"),
        deadline=DEADLINE,
        department=kwargs.pop("department", None) or _department("city_fire"),
        **kwargs,
    )


def _department(code):
    from registry.models import Department

    return Department.objects.get(code=code)


def test_reminders_sweep_without_liaison_or_email_records_an_undeliverable_reminder(client):
    case = a_case()
    inspector = staff_user("insp", roles.INSPECTOR, password=PASSWORD)

    result = reminders_sweep(today=SEVEN_DAYS_BEFORE)

    reminder = Reminder.objects.get(case=case)
    assert (reminder.kind, reminder.delivery, reminder.emailed_at) == (
        ReminderKind.BEFORE_DEADLINE,
        ReminderDelivery.UNDELIVERABLE,
        None,
    )
    assert (result.recorded, result.emailed, result.undeliverable) == (1, 0, 1)
    assert mail.outbox == []
    # A second sweep does not claim it again.
    assert reminders_sweep(today=SEVEN_DAYS_BEFORE).undeliverable == 0

    client.force_login(inspector)
    response = client.get(reverse("staff-dashboard"))
    panel = next(p for p in response.context["count_panels"] if p["key"] == "undeliverable")
    assert panel["title"] == "无法送达的提醒"
    assert panel["items"] == [
        {
            "label": "次提醒无人接收：惠州市某某五金厂（市公安消防支队）",
            "count": 1,
            "url": reverse("rectification:case-detail", args=[case.pk]) + "#contact",
            "alert": True,
        }
    ]
    assert "无法送达的提醒" in response.content.decode()


def test_reminders_sweep_with_a_responsible_email_sends_it_and_no_panel(client):
    case = a_case(responsible_email="boss@example.cn")
    inspector = staff_user("insp", roles.INSPECTOR, password=PASSWORD)

    result = reminders_sweep(today=SEVEN_DAYS_BEFORE)

    reminder = Reminder.objects.get(case=case)
    assert reminder.delivery == ReminderDelivery.EMAILED
    assert reminder.emailed_at is not None
    assert (result.emailed, result.undeliverable) == (1, 0)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["boss@example.cn"], "惠州市某某五金厂 的整改期限还有 7 天")
    ]
    client.force_login(inspector)
    response = client.get(reverse("staff-dashboard"))
    assert [p["key"] for p in response.context["count_panels"]].count("undeliverable") == 0


def test_reminders_sweep_liaison_without_email_is_inbox_only_not_undeliverable():
    case = a_case()
    staff_user("fire", roles.LIAISON, department="city_fire")

    result = reminders_sweep(today=SEVEN_DAYS_BEFORE)

    assert Reminder.objects.get(case=case).delivery == ReminderDelivery.INBOX_ONLY
    assert (result.emailed, result.undeliverable) == (0, 0)


def test_undeliverable_panel_is_scoped_to_the_cases_the_user_sees(client):
    a_case()
    reminders_sweep(today=SEVEN_DAYS_BEFORE)
    # A liaison of another department, and an inspector of another district.
    for user in (
        staff_user("housing", roles.LIAISON, department="city_housing", email="h@example.cn"),
        staff_user("boluo", roles.INSPECTOR, jurisdiction="441322"),
    ):
        client.force_login(user)
        response = client.get(reverse("staff-dashboard"))
        assert [p["key"] for p in response.context["count_panels"]].count("undeliverable") == 0


def test_case_contact_update_by_liaison_records_old_and_new_and_clears_the_panel(client):
    case = a_case(responsible_person="李四")
    reminders_sweep(today=SEVEN_DAYS_BEFORE)
    liaison = staff_user("fire", roles.LIAISON, department="city_fire")
    client.force_login(liaison)

    response = client.post(
        reverse("rectification:case-contact", args=[case.pk]),
        {
            "contact-responsible_person": "李四",
            "contact-responsible_phone": "13912345678",
            "contact-responsible_email": "lisi@example.cn",
        },
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.responsible_phone, case.responsible_email) == ("13912345678", "lisi@example.cn")
    event = case.events.get(kind=EventKind.CONTACT_CHANGED)
    assert (event.actor, event.is_public, event.text) == (
        liaison,
        False,
        "责任人电话：（空） → 13912345678\n责任人邮箱：（空） → lisi@example.cn",
    )
    dashboard = client.get(reverse("staff-dashboard"))
    assert [p["key"] for p in dashboard.context["count_panels"]].count("undeliverable") == 0
    # The next reminder reaches the new address.
    reminders_sweep(today=DEADLINE - datetime.timedelta(days=3))
    assert [m.to for m in mail.outbox] == [["lisi@example.cn"]]


def test_case_contact_update_refuses_bad_input_and_other_departments(client):
    case = a_case(responsible_person="李四")
    client.force_login(staff_user("fire", roles.LIAISON, department="city_fire"))
    url = reverse("rectification:case-contact", args=[case.pk])

    bad = client.post(
        url,
        {
            "contact-responsible_person": "李四",
            "contact-responsible_phone": "8888",
            "contact-responsible_email": "",
        },
    )
    unchanged = client.post(
        url,
        {
            "contact-responsible_person": "李四",
            "contact-responsible_phone": "",
            "contact-responsible_email": "",
        },
    )
    client.force_login(staff_user("housing", roles.LIAISON, department="city_housing"))
    other = client.post(
        url,
        {
            "contact-responsible_person": "王五",
            "contact-responsible_phone": "",
            "contact-responsible_email": "",
        },
    )

    assert (bad.status_code, unchanged.status_code, other.status_code) == (400, 400, 404)
    assert "责任人联系方式没有变化。" in unchanged.content.decode()
    assert Case.objects.get(pk=case.pk).responsible_person == "李四"
    assert not case.events.filter(kind=EventKind.CONTACT_CHANGED).exists()
