"""The unit's reply (单位回应): the REPLY table through its services, who may moderate it,
and the pages of the unit's portal and of staff moderation."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core import roles
from rectification import services
from rectification.enums import ReplyStatus
from rectification.models import Reply
from rectification.replies import ReplyError, reply_publish, reply_refuse, reply_submit
from rectification.selectors import dashboard_panel
from registry.models import AuditRecord, Department
from tests.factories import CaseFactory, EnterpriseFactory, staff_user

pytestmark = pytest.mark.django_db


def a_case(**kwargs):
    today = timezone.localdate()
    return CaseFactory(
        enterprise=EnterpriseFactory(),
        opened_on=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=10),
        **kwargs,
    )


def history(reply):
    return [
        (row.move, row.actor_id, row.changes["status"]["new_value"], row.comment)
        for row in AuditRecord.objects.filter(
            object_id=reply.pk, move__in=["submit", "publish", "refuse"]
        )
        .filter(content_type__model="reply")
        .order_by("id")
    ]


def png(name="reply.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 120, 0)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


# --- Services: the REPLY table ---------------------------------------------------------------


def test_reply_submit_awaits_moderation_with_its_history_row(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = a_case()

    reply = reply_submit(case=case, text="  我单位已于三月整改完毕。 ", attachment=png())

    reply.refresh_from_db()
    assert (reply.status, reply.text, reply.published_text) == (
        ReplyStatus.SUBMITTED,
        "我单位已于三月整改完毕。",
        "",
    )
    assert (reply.attachment_name, reply.attachment_type) == ("reply.png", "image/png")
    assert history(reply) == [("submit", None, "submitted", "")]


def test_reply_submit_refuses_a_second_while_one_is_pending():
    case = a_case()
    reply_submit(case=case, text="第一条")

    with pytest.raises(ReplyError, match="上一条回应正在审核"):
        reply_submit(case=case, text="第二条")
    assert Reply.objects.filter(case=case).count() == 1


def test_reply_submit_refuses_empty_text():
    with pytest.raises(ReplyError, match="请填写回应内容"):
        reply_submit(case=a_case(), text="   ")


def test_reply_publish_keeps_the_original_and_publishes_the_redacted_text():
    official = staff_user("official", roles.OFFICIAL)
    reply = reply_submit(case=a_case(), text="已整改，联系人张三 13800138000")

    reply_publish(reply=reply, actor=official, published_text="已整改，联系人张三")

    reply.refresh_from_db()
    assert (reply.status, reply.text, reply.published_text, reply.decided_by) == (
        ReplyStatus.PUBLISHED,
        "已整改，联系人张三 13800138000",
        "已整改，联系人张三",
        official,
    )
    assert history(reply)[-1] == ("publish", official.pk, "published", "公开的文本经工作人员删改。")


def test_reply_publish_without_redaction_publishes_the_units_words():
    liaison = staff_user("li", roles.LIAISON, department="city_housing")
    reply = reply_submit(case=a_case(), text="我单位已整改")

    reply_publish(reply=reply, actor=liaison)

    reply.refresh_from_db()
    assert (reply.status, reply.published_text) == (ReplyStatus.PUBLISHED, "我单位已整改")


def test_reply_refuse_needs_a_reason_and_keeps_it_for_the_unit():
    inspector = staff_user("inspector", roles.INSPECTOR)
    reply = reply_submit(case=a_case(), text="骂人的话")

    with pytest.raises(ReplyError, match="不予公开须写明理由"):
        reply_refuse(reply=reply, actor=inspector, reason=" ")
    reply_refuse(reply=reply, actor=inspector, reason="含有侮辱性言辞")

    reply.refresh_from_db()
    assert (reply.status, reply.refusal_reason) == (ReplyStatus.REFUSED, "含有侮辱性言辞")
    assert history(reply)[-1] == ("refuse", inspector.pk, "refused", "含有侮辱性言辞")


def test_reply_decided_once_only():
    official = staff_user("official", roles.OFFICIAL)
    reply = reply_submit(case=a_case(), text="已整改")
    reply_refuse(reply=reply, actor=official, reason="重复")

    with pytest.raises(ReplyError, match="该回应已审核"):
        reply_publish(reply=reply, actor=official)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.REFUSED


def test_reply_moderation_refused_out_of_the_cases_scope():
    # An inspector of 博罗县 and a liaison of another department: not this case's scope.
    district = staff_user("district", roles.INSPECTOR, jurisdiction="441322")
    fire = staff_user("fire", roles.LIAISON, department="city_fire")
    reply = reply_submit(case=a_case(), text="已整改")

    for outsider in (district, fire):
        with pytest.raises(ReplyError, match="不在您的管辖范围内"):
            reply_publish(reply=reply, actor=outsider)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SUBMITTED


def test_reply_moderation_refused_without_the_permission():
    # A supervisor sees the case (overdue) but does not moderate replies.
    supervisor = staff_user("sup", roles.SUPERVISOR)
    case = a_case()
    case.deadline = timezone.localdate() - datetime.timedelta(days=1)
    case.save(update_fields=["deadline"])
    reply = reply_submit(case=case, text="已整改")

    with pytest.raises(ReplyError, match="您没有"):
        reply_publish(reply=reply, actor=supervisor)


def test_reply_publish_announces_the_case_changed(django_capture_on_commit_callbacks):
    from rectification.signals import case_changed

    official = staff_user("official", roles.OFFICIAL)
    reply = reply_submit(case=a_case(), text="已整改")
    heard = []

    def receiver(sender, case_id, **kwargs):
        heard.append(case_id)

    case_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reply_publish(reply=reply, actor=official)
    finally:
        case_changed.disconnect(receiver)
    assert heard == [reply.case_id]


def test_moderate_reply_granted_to_the_roles_that_act_on_cases():
    held = {
        role: staff_user(role, role).has_perm("rectification.moderate_reply") for role in roles.ALL
    }
    assert held == {
        roles.INSPECTOR: True,
        roles.OFFICIAL: True,
        roles.LIAISON: True,
        roles.SUPERVISOR: False,
        roles.ADMINISTRATOR: False,
    }


# --- Staff pages -------------------------------------------------------------------------------


def test_reply_list_shows_pending_replies_in_scope_only(client):
    client.force_login(staff_user("li", roles.LIAISON, department="city_housing"))
    ours = reply_submit(case=a_case(), text="我们的")
    reply_submit(case=a_case(department=Department.objects.get(code="city_fire")), text="别人的")
    decided = reply_submit(case=a_case(), text="已审核的")
    reply_refuse(reply=decided, actor=staff_user("o", roles.OFFICIAL), reason="重复")

    response = client.get(reverse("rectification:reply-list"))

    assert [r.pk for r in response.context["page_obj"].object_list] == [ours.pk]


@pytest.mark.parametrize("rows", [1, 3])
def test_reply_list_query_count_is_constant(client, rows, django_assert_num_queries):
    client.force_login(staff_user("official", roles.OFFICIAL))
    for _ in range(rows):
        reply_submit(case=a_case(), text="已整改")
    # session, user, permissions (user, groups), profile, count, rows, the header's two
    # permission lookups.
    # And the authorities' rules (registry.authorities), read once into the cache.
    # And whether the user's jurisdiction is the tree's only root (a city-wide role of the
    # one-city test database: then the list carries no area condition, registry.permissions).
    with django_assert_num_queries(9):
        response = client.get(reverse("rectification:reply-list"))
    assert len(response.context["page_obj"].object_list) == rows


def test_reply_detail_publishes_with_redacted_text(client):
    official = staff_user("official", roles.OFFICIAL)
    client.force_login(official)
    reply = reply_submit(case=a_case(), text="已整改，电话 13800138000")
    url = reverse("rectification:reply-detail", args=[reply.pk])

    page = client.get(url)
    assert page.context["form"]["published_text"].value() == "已整改，电话 13800138000"
    response = client.post(url, {"decision": "publish", "published_text": "已整改", "reason": ""})

    assert response["Location"] == reverse("rectification:reply-list")
    reply.refresh_from_db()
    assert (reply.status, reply.published_text) == (ReplyStatus.PUBLISHED, "已整改")


def test_reply_detail_refuse_without_reason_is_400_and_changes_nothing(client):
    client.force_login(staff_user("official", roles.OFFICIAL))
    reply = reply_submit(case=a_case(), text="已整改")

    response = client.post(
        reverse("rectification:reply-detail", args=[reply.pk]),
        {"decision": "refuse", "published_text": "", "reason": ""},
    )

    assert response.status_code == 400
    assert "不予公开须写明理由，单位会看到。" in response.content.decode()
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SUBMITTED


@pytest.mark.parametrize(
    ("username", "role", "extra", "status"),
    [
        ("district", roles.INSPECTOR, {"jurisdiction": "441322"}, 404),
        ("fire", roles.LIAISON, {"department": "city_fire"}, 404),
        ("sup", roles.SUPERVISOR, {}, 403),
    ],
)
def test_reply_pages_refuse_those_who_may_not_moderate_it(client, username, role, extra, status):
    client.force_login(staff_user(username, role, **extra))
    reply = reply_submit(case=a_case(), text="已整改")
    detail = reverse("rectification:reply-detail", args=[reply.pk])

    assert client.get(detail).status_code == status
    assert client.post(detail, {"decision": "publish"}).status_code == status
    assert client.get(reverse("rectification:reply-attachment", args=[reply.pk])).status_code == (
        status
    )
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SUBMITTED


def test_reply_attachment_served_to_a_moderator(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(staff_user("li", roles.LIAISON, department="city_housing"))
    reply = reply_submit(case=a_case(), text="见附件", attachment=png("整改照片.png"))

    response = client.get(reverse("rectification:reply-attachment", args=[reply.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_case_detail_lists_its_replies_with_a_link_to_moderate(client):
    client.force_login(staff_user("li", roles.LIAISON, department="city_housing"))
    case = a_case()
    reply = reply_submit(case=case, text="我单位的回应")

    html = client.get(reverse("rectification:case-detail", args=[case.pk])).content.decode()

    assert "我单位的回应" in html
    assert reverse("rectification:reply-detail", args=[reply.pk]) in html


def test_dashboard_panel_counts_replies_awaiting_moderation_in_scope():
    liaison = staff_user("li", roles.LIAISON, department="city_housing")
    supervisor = staff_user("sup", roles.SUPERVISOR)
    reply_submit(case=a_case(), text="一")
    reply_submit(case=a_case(), text="二")
    reply_submit(case=a_case(department=Department.objects.get(code="city_fire")), text="三")

    panel = dashboard_panel(user=liaison)

    assert (panel["replies"]["count"], panel["replies"]["url"]) == (
        2,
        reverse("rectification:reply-list"),
    )
    assert dashboard_panel(user=supervisor)["replies"] is None


# --- The unit's portal ---------------------------------------------------------------------------


def unit_login(client, case):
    code, _pdf = services.case_issue_letter(case=case, actor=None)
    client.post(reverse("rectification-unit:login"), {"code": code})


def test_unit_submits_a_reply_and_sees_its_status_and_the_refusal_reason(client):
    case = a_case()
    unit_login(client, case)

    response = client.post(reverse("rectification-unit:reply"), {"reply-text": "我单位已整改"})
    assert response["Location"] == reverse("rectification-unit:case")
    page = client.get(reverse("rectification-unit:case")).content.decode()
    assert "我单位已整改" in page
    assert "待审核" in page
    assert "您的上一条回应正在审核，审核后才能再提交。" in page

    reply_refuse(
        reply=Reply.objects.get(case=case),
        actor=staff_user("o", roles.OFFICIAL),
        reason="请删去个人信息",
    )
    page = client.get(reverse("rectification-unit:case")).content.decode()
    assert "未予公开" in page
    assert "请删去个人信息" in page
    assert 'action="/unit/case/reply/"' in page  # it may reply again


def test_unit_reply_with_a_file_that_is_not_a_photo_or_pdf_is_refused(client):
    case = a_case()
    unit_login(client, case)

    response = client.post(
        reverse("rectification-unit:reply"),
        {
            "reply-text": "见附件",
            "reply-attachment": SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/x"),
        },
    )

    assert response.status_code == 400
    assert Reply.objects.filter(case=case).count() == 0


def test_unit_reply_without_a_session_goes_to_login(client):
    response = client.post(reverse("rectification-unit:reply"), {"reply-text": "x"})
    assert response["Location"] == reverse("rectification-unit:login")
    assert Reply.objects.count() == 0


def test_unit_sees_its_own_uploads_and_applications_again(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = a_case()
    unit_login(client, case)
    client.post(
        reverse("rectification-unit:progress"),
        {"progress-text": "已更换灭火器", "progress-evidence": [png("灭火器.png")]},
    )
    client.post(
        reverse("rectification-unit:application"),
        {"application-text": "申请复查，电话 13800138000"},
    )
    # A liaison's private note is not the unit's to see.
    services.case_record_progress(
        case=case,
        actor=staff_user("li", roles.LIAISON, department="city_housing"),
        text="内部备注",
    )

    response = client.get(reverse("rectification-unit:case"))

    assert [(e.kind, e.text) for e in response.context["submissions"]] == [
        ("progress", "已更换灭火器"),
        ("reinspection_requested", "申请复查，电话 13800138000"),
    ]
    html = response.content.decode()
    assert "灭火器.png" in html
    assert "内部备注" not in html
