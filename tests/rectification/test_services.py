"""The case workflow: one transition function, its allowed moves, and the role services."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core import roles
from rectification import services
from rectification.enums import CaseGoal, CaseStatus, EventKind
from rectification.models import AccessCode, Event, EventEvidence
from registry.enums import Disposition
from tests.factories import CaseFactory, EnterpriseFactory, FindingFactory, staff_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2009, 4, 1)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def kinds(case):
    return list(case.events.order_by("id").values_list("kind", "from_status", "to_status"))


def test_case_transition_table_keeps_person_and_system_moves_apart():
    assert services.ALLOWED_BY_PERSON == {
        CaseStatus.OPEN: {
            CaseStatus.REINSPECTION_REQUESTED,
            CaseStatus.RECTIFIED,
            CaseStatus.CLOSURE_VERIFIED,
        },
        CaseStatus.REINSPECTION_REQUESTED: {
            CaseStatus.OPEN,
            CaseStatus.RECTIFIED,
            CaseStatus.CLOSURE_VERIFIED,
        },
    }
    assert services.ALLOWED_BY_SYSTEM == {
        CaseStatus.OPEN: {CaseStatus.CANCELLED},
        CaseStatus.REINSPECTION_REQUESTED: {CaseStatus.CANCELLED},
    }


def test_case_transition_refuses_cancel_by_a_person():
    case = CaseFactory()
    official = staff_user("off", roles.OFFICIAL)
    with pytest.raises(services.CaseError, match="“撤销”由系统自动完成"):
        services.case_transition(case=case, move="cancel", actor=official, text="误登")
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert Event.objects.count() == 0


def test_case_transition_refuses_events_on_a_finished_case():
    case = CaseFactory(status=CaseStatus.RECTIFIED, closed_on=TODAY)
    with pytest.raises(services.CaseError, match="已结束"):
        services.case_record_progress(case=case, actor=None, text="继续整改")
    assert Event.objects.count() == 0


def test_case_reinspect_pass_rectifies_a_rectify_case():
    inspector = staff_user("insp", roles.INSPECTOR)
    case = CaseFactory(status=CaseStatus.REINSPECTION_REQUESTED)
    event = services.case_reinspect(
        case=case, actor=inspector, passed=True, text="隐患已消除", files=[png()], today=TODAY
    )
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.RECTIFIED, TODAY)
    assert (event.kind, event.from_status, event.to_status, event.is_public) == (
        EventKind.REINSPECTION_PASSED,
        CaseStatus.REINSPECTION_REQUESTED,
        CaseStatus.RECTIFIED,
        True,
    )
    assert list(EventEvidence.objects.values_list("event_id", "content_type")) == [
        (event.pk, "image/png")
    ]


def test_case_reinspect_pass_verifies_closure_of_a_banned_unit():
    inspector = staff_user("insp", roles.INSPECTOR)
    case = CaseFactory(disposition=Disposition.BANNED, goal=CaseGoal.VERIFY_CLOSURE)
    services.case_reinspect(case=case, actor=inspector, passed=True, text="", today=TODAY)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_VERIFIED


def test_case_reinspect_fail_reopens_with_new_deadline_and_reason():
    inspector = staff_user("insp", roles.INSPECTOR)
    case = CaseFactory(status=CaseStatus.REINSPECTION_REQUESTED, deadline=TODAY)
    new = TODAY + datetime.timedelta(days=29)
    services.case_reinspect(
        case=case,
        actor=inspector,
        passed=False,
        text="安全出口仍上锁",
        new_deadline=new,
        today=TODAY,
    )
    case.refresh_from_db()
    assert (case.status, case.deadline, case.closed_on) == (CaseStatus.OPEN, new, None)
    assert list(case.events.values_list("kind", "to_status", "new_deadline", "text")) == [
        (EventKind.REINSPECTION_FAILED, CaseStatus.OPEN, new, "安全出口仍上锁")
    ]


def test_case_reinspect_fail_refuses_without_reason_or_future_deadline():
    inspector = staff_user("insp", roles.INSPECTOR)
    case = CaseFactory()
    with pytest.raises(services.CaseError, match="写明原因"):
        services.case_reinspect(
            case=case, actor=inspector, passed=False, text=" ", new_deadline=TODAY, today=TODAY
        )
    with pytest.raises(services.CaseError, match="今天以后"):
        services.case_reinspect(
            case=case,
            actor=inspector,
            passed=False,
            text="未整改",
            new_deadline=TODAY,
            today=TODAY,
        )
    assert Event.objects.count() == 0


def test_case_request_reinspection_moves_once():
    liaison = staff_user("li", roles.LIAISON, department="city_housing")
    case = CaseFactory()
    services.case_request_reinspection(case=case, actor=liaison, text="已整改完毕")
    assert case.status == CaseStatus.REINSPECTION_REQUESTED
    with pytest.raises(services.CaseError, match="已申请复查"):
        services.case_request_reinspection(case=case, actor=liaison, text="再次申请")
    assert kinds(case) == [
        (EventKind.REINSPECTION_REQUESTED, CaseStatus.OPEN, CaseStatus.REINSPECTION_REQUESTED)
    ]


def test_case_extend_deadline_requires_a_later_date_and_reason():
    official = staff_user("off", roles.OFFICIAL)
    case = CaseFactory(deadline=datetime.date(2009, 4, 30))
    with pytest.raises(services.CaseError, match="须晚于现在的期限"):
        services.case_extend_deadline(
            case=case,
            actor=official,
            new_deadline=datetime.date(2009, 4, 20),
            reason="设备未到",
            today=TODAY,
        )
    with pytest.raises(services.CaseError, match="理由"):
        services.case_extend_deadline(
            case=case,
            actor=official,
            new_deadline=datetime.date(2009, 6, 1),
            reason="",
            today=TODAY,
        )
    event = services.case_extend_deadline(
        case=case,
        actor=official,
        new_deadline=datetime.date(2009, 6, 1),
        reason="设备未到",
        today=TODAY,
    )
    case.refresh_from_db()
    assert case.deadline == datetime.date(2009, 6, 1)
    assert (event.kind, event.new_deadline, event.text, event.is_public, event.to_status) == (
        EventKind.DEADLINE_EXTENDED,
        datetime.date(2009, 6, 1),
        "设备未到",
        True,
        "",
    )


def test_case_supervise_only_on_overdue_or_escalated_cases():
    supervisor = staff_user("sup", roles.SUPERVISOR)
    case = CaseFactory(deadline=datetime.date(2009, 4, 30))
    with pytest.raises(services.CaseError, match="只有逾期"):
        services.case_supervise(case=case, actor=supervisor, text="督查", today=TODAY)
    event = services.case_supervise(
        case=case, actor=supervisor, text="现场督查，责令立即整改", today=datetime.date(2009, 5, 1)
    )
    assert (event.kind, event.is_public) == (EventKind.SUPERVISION, True)


def test_case_cancel_is_a_system_move_with_a_public_reason():
    case = CaseFactory()
    event = services.case_cancel(case=case, actor=None, reason="更正：撤回该条目")
    case.refresh_from_db()
    assert (case.status, case.closed_on) == (CaseStatus.CANCELLED, timezone.localdate())
    assert (event.kind, event.text, event.is_public) == (
        EventKind.CANCELLED,
        "更正：撤回该条目",
        True,
    )


def test_case_record_progress_keeps_public_choice_and_evidence():
    case = CaseFactory()
    hidden = services.case_record_progress(case=case, actor=None, text="已清理通道", files=[png()])
    shown = services.case_record_progress(case=case, actor=None, text="已更换门锁", is_public=True)
    assert (hidden.is_public, shown.is_public) == (False, True)
    assert hidden.evidence.count() == 1
    with pytest.raises(services.CaseError, match="请填写整改进展"):
        services.case_record_progress(case=case, actor=None, text="  ")


def test_case_issue_letter_stores_only_the_hash_and_revokes_the_old_code():
    case = CaseFactory()
    case.findings.add(FindingFactory(inspection__enterprise=case.enterprise))
    first, pdf = services.case_issue_letter(case=case, actor=None, today=TODAY)
    second, _pdf = services.case_issue_letter(case=case, actor=None, today=TODAY)
    assert pdf.startswith(b"%PDF-")
    assert len(services.access_code_normalise(first)) == 24
    assert first != second
    codes = list(AccessCode.objects.order_by("id").values_list("code_hash", "revoked_at"))
    assert [h for h, _r in codes] == [
        services.access_code_hash(first),
        services.access_code_hash(second),
    ]
    assert codes[0][1] is not None
    assert codes[1][1] is None
    assert not AccessCode.objects.filter(code_hash__contains=first.replace("-", "")).exists()
    assert list(case.events.values_list("kind", "is_public")) == [
        (EventKind.LETTER_ISSUED, False),
        (EventKind.LETTER_ISSUED, False),
    ]


def test_access_code_redeem_accepts_the_live_code_in_any_spelling():
    case = CaseFactory(enterprise=EnterpriseFactory())
    code, _pdf = services.case_issue_letter(case=case, actor=None, today=TODAY)
    typed = code.replace("-", " ").lower()
    assert services.access_code_redeem(code=typed, client="10.0.0.1").case == case


def test_access_code_redeem_refuses_revoked_and_finished_codes():
    case = CaseFactory()
    old, _pdf = services.case_issue_letter(case=case, actor=None, today=TODAY)
    new, _pdf = services.case_issue_letter(case=case, actor=None, today=TODAY)
    with pytest.raises(services.AccessRefused, match="不正确或已作废"):
        services.access_code_redeem(code=old, client="10.0.0.1")
    services.case_cancel(case=case, actor=None, reason="更正")
    with pytest.raises(services.AccessRefused, match="已失效"):
        services.access_code_redeem(code=new, client="10.0.0.2")


def test_access_code_redeem_rate_limits_per_client_and_per_code(settings):
    settings.UNIT_CODE_ATTEMPTS_PER_CLIENT = 3
    settings.UNIT_CODE_ATTEMPTS_PER_CODE = 2
    case = CaseFactory()
    code, _pdf = services.case_issue_letter(case=case, actor=None, today=TODAY)
    wrong = "A" * 24
    for _i in range(3):
        with pytest.raises(services.AccessRefused, match="不正确"):
            services.access_code_redeem(code=f"{wrong[:-1]}{_i + 2}", client="10.0.0.9")
    # The fourth attempt from that client is refused even with the right code.
    with pytest.raises(services.AccessRefused, match="尝试次数过多"):
        services.access_code_redeem(code=code, client="10.0.0.9")
    # One code tried from many clients: the per-code limit stops the third.
    for client in ("10.0.1.1", "10.0.1.2"):
        with pytest.raises(services.AccessRefused, match="不正确"):
            services.access_code_redeem(code=wrong, client=client)
    with pytest.raises(services.AccessRefused, match="尝试次数过多"):
        services.access_code_redeem(code=wrong, client="10.0.1.3")
    assert services.access_code_redeem(code=code, client="10.0.2.1").case == case
