"""Case pages, work queues, the inbox and the unit's channel, through Django's test client."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core import roles
from core.calendar import next_working_day
from rectification import services
from rectification.enums import CaseStatus, EventKind
from rectification.models import InboxMessage
from rectification.selectors import dashboard_panel, inbox_unread_count
from registry.models import Department
from tests.factories import CaseFactory, EnterpriseFactory, FindingFactory, staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def today(offset: int = 0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


def working_day(offset: int) -> datetime.date:
    """The first working day ``offset`` days from today or later: a deadline set by hand on
    a rest day is moved to the next working day (core.calendar), whatever day the suite runs."""
    return next_working_day(today(offset)).day


def a_case(deadline_in=10, **kwargs):
    case = CaseFactory(
        enterprise=EnterpriseFactory(),
        opened_on=today(-60),
        deadline=today(deadline_in),
        **kwargs,
    )
    case.findings.add(FindingFactory(inspection__enterprise=case.enterprise))
    return case


def login(client, username, role, **kwargs):
    user = staff_user(username, role, password=PASSWORD, **kwargs)
    client.force_login(user)
    return user


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 120, 0)).save(out, format="PNG")
    return SimpleUploadedFile("site.png", out.getvalue(), content_type="image/png")


@pytest.mark.parametrize("rows", [1, 3])
def test_case_list_liaison_queue_query_count_constant(client, rows, django_assert_num_queries):
    login(client, "li", roles.LIAISON, department="city_housing")
    for i in range(rows):
        a_case(deadline_in=i - 1)
    # session, user, roles, profile (department), count, the header's two permission
    # lookups (base.html), page rows.
    # And the authorities' rules (registry.authorities), read once into the cache.
    with django_assert_num_queries(8):
        response = client.get(reverse("rectification:case-list"))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == rows


def test_case_list_liaison_sees_own_department_by_deadline_with_overdue_marked(client):
    login(client, "li", roles.LIAISON, department="city_housing")
    late = a_case(deadline_in=-2)
    soon = a_case(deadline_in=3)
    a_case(
        deadline_in=1,
        department=Department.objects.get(code="city_fire"),
    )
    a_case(deadline_in=-5, status=CaseStatus.RECTIFIED, closed_on=today())
    response = client.get(reverse("rectification:case-list"))
    rows = response.context["page_obj"].object_list
    assert [(c.pk, c.overdue) for c in rows] == [(late.pk, True), (soon.pk, False)]
    assert "已逾期" in response.content.decode()


def test_case_list_supervisor_sees_overdue_and_escalated(client):
    login(client, "sup", roles.SUPERVISOR)
    late = a_case(deadline_in=-1)
    escalated = a_case(deadline_in=5, escalated_at=timezone.now())
    a_case(deadline_in=5)
    response = client.get(reverse("rectification:case-list"))
    assert response.context["queue"] == "supervision"
    assert [c.pk for c in response.context["page_obj"].object_list] == [late.pk, escalated.pk]


def test_case_list_inspector_application_queue_shows_unit_applications(client):
    login(client, "insp", roles.INSPECTOR)
    applied = a_case()
    a_case()
    services.case_request_reinspection(case=applied, actor=None, text="已整改")
    response = client.get(reverse("rectification:case-list"))
    assert response.context["queue"] == "applications"
    assert [c.pk for c in response.context["page_obj"].object_list] == [applied.pk]


def test_case_list_refuses_non_staff(client):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("visitor"))
    assert client.get(reverse("rectification:case-list")).status_code == 403
    client.logout()
    assert client.get(reverse("rectification:case-list")).status_code == 302


def test_case_detail_hides_other_areas_and_departments(client):
    case = a_case()
    login(client, "far", roles.INSPECTOR, jurisdiction="441303")
    assert client.get(reverse("rectification:case-detail", args=[case.pk])).status_code == 404
    login(client, "fire", roles.LIAISON, department="city_fire")
    assert client.get(reverse("rectification:case-detail", args=[case.pk])).status_code == 404
    login(client, "li", roles.LIAISON, department="city_housing")
    assert client.get(reverse("rectification:case-detail", args=[case.pk])).status_code == 200


def test_case_detail_shows_timeline_with_visibility(client):
    case = a_case()
    services.case_record_progress(case=case, actor=None, text="已清理消防通道", is_public=True)
    services.case_record_progress(case=case, actor=None, text="内部说明")
    login(client, "li", roles.LIAISON, department="city_housing")
    response = client.get(reverse("rectification:case-detail", args=[case.pk]))
    assert [(e.text, e.is_public) for e in response.context["events"]] == [
        ("已清理消防通道", True),
        ("内部说明", False),
    ]
    allowed = {move for move, decision in response.context["rights"].items() if decision}
    assert allowed == {"progress", "apply", "issue_letter", "update_contact"}


def test_case_progress_by_liaison_with_evidence(client):
    case = a_case()
    login(client, "li", roles.LIAISON, department="city_housing")
    response = client.post(
        reverse("rectification:case-progress", args=[case.pk]),
        {
            "progress-text": "已拆除违章搭建",
            "progress-evidence": [png()],
            "progress-is_public": "on",
        },
    )
    assert response.status_code == 302
    event = case.events.get()
    assert (event.kind, event.text, event.is_public, event.evidence.count()) == (
        EventKind.PROGRESS,
        "已拆除违章搭建",
        True,
        1,
    )
    evidence = event.evidence.get()
    download = client.get(reverse("rectification:case-evidence", args=[case.pk, evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"


def test_case_progress_refuses_a_bad_file_and_keeps_the_text(client):
    case = a_case()
    login(client, "li", roles.LIAISON, department="city_housing")
    bad = SimpleUploadedFile("notes.png", b"not an image", content_type="image/png")
    response = client.post(
        reverse("rectification:case-progress", args=[case.pk]),
        {"progress-text": "已整改", "progress-evidence": [bad]},
    )
    assert response.status_code == 400
    assert response.context["progress_form"]["text"].value() == "已整改"
    assert "不是可接受的图片" in response.content.decode()
    assert case.events.count() == 0


def test_case_reinspection_refused_to_a_liaison(client):
    case = a_case()
    login(client, "li", roles.LIAISON, department="city_housing")
    response = client.post(
        reverse("rectification:case-reinspection", args=[case.pk]),
        {"reinspection-result": "passed"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_case_reinspection_fail_needs_reason_and_deadline(client):
    case = a_case()
    login(client, "insp", roles.INSPECTOR)
    response = client.post(
        reverse("rectification:case-reinspection", args=[case.pk]),
        {"reinspection-result": "failed"},
    )
    assert response.status_code == 400
    assert response.context["reinspection_form"].errors == {
        "text": ["复查不合格须写明原因。"],
        "new_deadline": ["复查不合格须给出今天以后的新整改期限。"],
    }
    new = working_day(30)
    response = client.post(
        reverse("rectification:case-reinspection", args=[case.pk]),
        {
            "reinspection-result": "failed",
            "reinspection-text": "仍未整改",
            "reinspection-new_deadline": new.isoformat(),
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.deadline) == (CaseStatus.OPEN, new)


def test_case_extension_by_official(client):
    case = a_case(deadline_in=3)
    login(client, "off", roles.OFFICIAL)
    response = client.post(
        reverse("rectification:case-extension", args=[case.pk]),
        {
            "extension-new_deadline": working_day(40).isoformat(),
            "extension-reason": "设备采购周期长",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.deadline == working_day(40)


def test_case_extension_form_asks_the_moves_guards(client):
    case = a_case(deadline_in=40)
    login(client, "off", roles.OFFICIAL)
    url = reverse("rectification:case-extension", args=[case.pk])
    # Later than today but not than the case's deadline: the guard reads the case.
    early = client.post(url, {"extension-new_deadline": working_day(5).isoformat()})
    blank = client.post(url, {})

    assert early.status_code == 400
    assert early.context["extension_form"].errors == {
        "new_deadline": [f"新的整改期限须晚于现在的期限（{case.deadline.isoformat()}）和今天。"],
        "reason": ["延长整改期限须写明理由。"],
    }
    assert blank.context["extension_form"].errors == early.context["extension_form"].errors
    assert case.events.count() == 0


def test_case_supervision_only_on_overdue_cases(client):
    on_time = a_case(deadline_in=3)
    late = a_case(deadline_in=-3)
    login(client, "sup", roles.SUPERVISOR)
    url = "rectification:case-supervision"
    # A case on time is outside the supervisor's sight altogether (it was a 403 while the
    # supervisor could read every case).
    assert (
        client.post(reverse(url, args=[on_time.pk]), {"supervision-text": "督查"}).status_code
        == 404
    )
    assert (
        client.post(reverse(url, args=[late.pk]), {"supervision-text": "约谈负责人"}).status_code
        == 302
    )
    assert list(late.events.values_list("kind", "text", "is_public")) == [
        (EventKind.SUPERVISION, "约谈负责人", True)
    ]
    blank = client.post(reverse(url, args=[late.pk]), {"supervision-text": " "})
    assert blank.status_code == 400
    assert blank.context["supervision_form"].errors == {"text": ["请写明督查情况。"]}


def test_case_letter_downloads_a_pdf_with_a_new_code(client):
    case = a_case()
    login(client, "li", roles.LIAISON, department="city_housing")
    response = client.post(reverse("rectification:case-letter", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert response.content.startswith(b"%PDF-")
    assert case.access_codes.filter(revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize("rows", [1, 3])
def test_inbox_query_count_constant(client, rows, django_assert_num_queries):
    user = login(client, "li", roles.LIAISON, department="city_housing")
    case = a_case()
    for i in range(rows):
        InboxMessage.objects.create(recipient=user, case=case, subject=f"提醒{i}", body="内容")
    # session, user, count, the header's two permission lookups, page rows, unread count.
    # And the authorities' rules (registry.authorities), read once into the cache, and the
    # staff member's profile (the header names their own authority).
    with django_assert_num_queries(9):
        response = client.get(reverse("rectification:inbox"))
    assert len(response.context["page_obj"].object_list) == rows


def test_inbox_open_marks_read_and_goes_to_the_case(client):
    user = login(client, "li", roles.LIAISON, department="city_housing")
    case = a_case()
    message = InboxMessage.objects.create(recipient=user, case=case, subject="提醒", body="x")
    InboxMessage.objects.create(recipient=user, case=case, subject="提醒2", body="y")
    assert inbox_unread_count(user=user) == 2
    response = client.post(reverse("rectification:inbox-open", args=[message.pk]))
    assert response["Location"] == reverse("rectification:case-detail", args=[case.pk])
    assert inbox_unread_count(user=user) == 1
    other = staff_user("other", roles.LIAISON, department="city_housing")
    theirs = InboxMessage.objects.create(recipient=other, case=case, subject="别人的", body="z")
    assert client.post(reverse("rectification:inbox-open", args=[theirs.pk])).status_code == 404


def test_dashboard_panel_counts_per_role():
    liaison = staff_user("li", roles.LIAISON, department="city_housing")
    supervisor = staff_user("sup", roles.SUPERVISOR)
    a_case(deadline_in=-1)
    a_case(deadline_in=4, escalated_at=timezone.now())
    applied = a_case(deadline_in=9)
    services.case_request_reinspection(case=applied, actor=None, text="已整改")
    assert [(i["key"], i["count"]) for i in dashboard_panel(user=liaison)["items"]] == [
        ("active", 3),
        ("applications", 1),
        ("overdue", 1),
    ]
    assert [(i["key"], i["count"]) for i in dashboard_panel(user=supervisor)["items"]] == [
        ("supervision", 2),
        ("escalated", 1),
    ]


# --- The unit's channel ----------------------------------------------------------------------


def unit_login(client, case):
    code, _pdf = services.case_issue_letter(case=case, actor=None)
    response = client.post(reverse("rectification-unit:login"), {"code": code})
    return code, response


def test_unit_channel_uploads_evidence_and_applies(client):
    case = a_case()
    _code, response = unit_login(client, case)
    assert response["Location"] == reverse("rectification-unit:case")
    page = client.get(reverse("rectification-unit:case"))
    assert page.status_code == 200
    assert case.enterprise.name in page.content.decode()
    client.post(
        reverse("rectification-unit:progress"),
        {"progress-text": "已更换灭火器", "progress-evidence": [png()]},
    )
    client.post(
        reverse("rectification-unit:application"), {"application-text": "整改完毕，申请复查"}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REINSPECTION_REQUESTED
    assert list(case.events.order_by("id").values_list("kind", "actor", "is_public")) == [
        (EventKind.LETTER_ISSUED, None, False),
        (EventKind.PROGRESS, None, False),
        (EventKind.REINSPECTION_REQUESTED, None, True),
    ]


def test_unit_channel_refuses_a_wrong_code_and_keeps_it(client):
    a_case()
    response = client.post(reverse("rectification-unit:login"), {"code": "ABCD-EFGH"})
    assert response.status_code == 400
    assert response.context["form"]["code"].value() == "ABCD-EFGH"
    assert "24 位" in response.content.decode()
    assert client.get(reverse("rectification-unit:case")).status_code == 302


def test_unit_channel_closes_when_the_case_finishes(client):
    case = a_case()
    unit_login(client, case)
    services.case_reinspect(case=case, actor=staff_user("i", roles.INSPECTOR), passed=True, text="")
    response = client.get(reverse("rectification-unit:case"))
    assert response["Location"] == reverse("rectification-unit:login")


def test_unit_channel_closes_when_a_new_letter_is_issued(client):
    case = a_case()
    unit_login(client, case)
    services.case_issue_letter(case=case, actor=None)
    assert client.get(reverse("rectification-unit:case")).status_code == 302


def test_dashboard_panel_template_renders_counts_and_links():
    from django.template.loader import render_to_string

    from staff.panels import rectification_panel

    liaison = staff_user("li", roles.LIAISON, department="city_housing")
    a_case(deadline_in=-1)
    InboxMessage.objects.create(recipient=liaison, case=a_case(), subject="提醒", body="x")
    html = render_to_string(
        "staff/_panel.html", {"panel": rectification_panel(dashboard_panel(user=liaison))}
    )
    flat = " ".join(html.split())
    assert (
        '<a href="/staff/cases/?queue=active"><span class="panel__number">2</span> '
        '<span class="panel__label">本部门在办整改</span></a>'
    ) in flat
    assert (
        '<li class="panel__count panel__count--alert"> '
        '<a href="/staff/cases/?queue=overdue">' in flat
    )
    assert (
        '<a href="/staff/cases/inbox/"><span class="panel__number">1</span> '
        '<span class="panel__label">条未读消息</span></a>'
    ) in flat


def test_case_list_marks_cases_without_a_letter(client):
    login(client, "li", roles.LIAISON, department="city_housing")
    with_letter = a_case(deadline_in=1)
    without = a_case(deadline_in=2)
    services.case_issue_letter(case=with_letter, actor=None)
    rows = client.get(reverse("rectification:case-list")).context["page_obj"].object_list
    assert [(c.pk, c.letter_issued) for c in rows] == [(with_letter.pk, True), (without.pk, False)]


def test_case_detail_supervisor_sees_only_overdue_or_escalated(client):
    # The supervisor read every case of the city before its role was narrowed.
    login(client, "sup", roles.SUPERVISOR)
    late = a_case(deadline_in=-1)
    on_time = a_case(deadline_in=5)
    assert client.get(reverse("rectification:case-detail", args=[late.pk])).status_code == 200
    assert client.get(reverse("rectification:case-detail", args=[on_time.pk])).status_code == 404
