"""Personal data in a unit's reply (单位回应): the moderation page points it out, and a reply
that still holds it is published only when the moderator confirms, which the history keeps."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from rectification.enums import ReplyStatus
from rectification.personal_data import (
    personal_data_found,
    personal_data_listed,
    personal_data_marked,
    personal_names,
)
from rectification.replies import ReplyError, reply_publish, reply_submit
from registry.models import AuditRecord
from tests.factories import CaseFactory, EnterpriseFactory, staff_user

ID_NUMBER = "44130219800101123X"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("已整改完毕，欢迎复查。", []),
        ("联系电话13800138000。", [("mobile", "13800138000")]),
        (
            "手机 138 0013 8000 或 139-2345-6789",
            [("mobile", "138 0013 8000"), ("mobile", "139-2345-6789")],
        ),
        ("+86 13800138000", [("mobile", "+86 13800138000")]),
        ("办公室电话0752-1234567", [("landline", "0752-1234567")]),
        (
            "电话：0752 1234 5678，（0752）2345678",
            [("landline", "0752 1234 5678"), ("landline", "（0752）2345678")],
        ),
        ("020-87654321转123", [("landline", "020-87654321转123")]),
        (f"负责人身份证{ID_NUMBER}", [("id_number", ID_NUMBER)]),
        ("身份证号 441302198001011234。", [("id_number", "441302198001011234")]),
        ("请发至 zhang.san@example.com.cn 联系", [("email", "zhang.san@example.com.cn")]),
        ("责任人李四已到现场。", [("name", "李四")]),
        # Not personal data: an amount, a date, a credit code, a number too long for a phone.
        ("罚款 20000 元，2026-12-07 整改", []),
        ("统一社会信用代码 91441302MA0000001X", []),
        ("编号 138001380001234", []),
        # The digits of an ID number are not also taken for a phone number.
        ("441302199001011388", [("id_number", "441302199001011388")]),
    ],
)
def test_personal_data_found(text, found):
    assert [(item.kind, item.text) for item in personal_data_found(text, names=["李四"])] == found


def test_personal_names_split_a_field_holding_several_and_drop_titles():
    assert personal_names("李四、王五（科长）", "", "赵") == ["李四", "王五"]


def test_personal_data_marked_escapes_the_text_and_marks_each_finding():
    text = "<b>李四</b> 电话 13800138000 & 邮箱 a@b.cn"
    marked = personal_data_marked(text, personal_data_found(text, names=["李四"]))

    assert marked == (
        '&lt;b&gt;<mark class="personal-data" title="责任人姓名">李四</mark>&lt;/b&gt; 电话 '
        '<mark class="personal-data" title="手机号码">13800138000</mark> &amp; 邮箱 '
        '<mark class="personal-data" title="电子邮箱">a@b.cn</mark>'
    )


def test_personal_data_listed_names_each_value_once_by_kind():
    text = "a@b.cn 13800138000 李四 13800138000"
    listed = personal_data_listed(personal_data_found(text, names=["李四"]))

    assert listed == "手机号码 13800138000、电子邮箱 a@b.cn、责任人姓名 李四"


# --- The service: the REPLY table's publish move -----------------------------------------------


def a_case():
    today = timezone.localdate()
    return CaseFactory(
        enterprise=EnterpriseFactory(),
        opened_on=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=10),
        responsible_person="李四",
    )


def publish_rows(reply):
    return list(
        AuditRecord.objects.filter(
            content_type__model="reply", object_id=reply.pk, move="publish"
        ).values_list("comment", "changes")
    )


@pytest.mark.django_db
def test_reply_publish_with_personal_data_is_refused_without_confirmation():
    official = staff_user("official", roles.OFFICIAL)
    reply = reply_submit(case=a_case(), text="已整改，联系电话 13800138000，邮箱 a@b.cn")

    with pytest.raises(ReplyError) as refused:
        reply_publish(reply=reply, actor=official)

    assert str(refused.value) == (
        "公开的文本可能含有个人信息（手机号码 13800138000、电子邮箱 a@b.cn）。"
        "请删去后再公开；确需公开的，请勾选确认后再保存。"
    )
    reply.refresh_from_db()
    assert (reply.status, reply.published_text) == (ReplyStatus.SUBMITTED, "")
    assert publish_rows(reply) == []


@pytest.mark.django_db
def test_reply_publish_checks_the_text_to_publish_not_the_original():
    official = staff_user("official", roles.OFFICIAL)
    reply = reply_submit(case=a_case(), text="已整改，联系电话 13800138000")
    with pytest.raises(ReplyError, match="责任人姓名 李四"):
        reply_publish(reply=reply, actor=official, published_text="已整改，责任人李四在场")

    reply_publish(reply=reply, actor=official, published_text="已整改")

    reply.refresh_from_db()
    assert (reply.status, reply.published_text) == (ReplyStatus.PUBLISHED, "已整改")
    assert publish_rows(reply)[0][0] == "公开的文本经工作人员删改。"


@pytest.mark.django_db
def test_reply_publish_confirmed_publishes_and_the_history_row_records_it():
    official = staff_user("official", roles.OFFICIAL)
    reply = reply_submit(case=a_case(), text=f"已整改，李四 0752-1234567，身份证 {ID_NUMBER}")

    reply_publish(reply=reply, actor=official, personal_data_confirmed=True)

    reply.refresh_from_db()
    assert reply.status == ReplyStatus.PUBLISHED
    assert reply.published_text == f"已整改，李四 0752-1234567，身份证 {ID_NUMBER}"
    listed = f"固定电话 0752-1234567、身份证号码 {ID_NUMBER}、责任人姓名 李四"
    [(comment, changes)] = publish_rows(reply)
    assert comment == f"经确认，公开的文本含有可能的个人信息：{listed}。"
    assert changes["personal_data_confirmed"] == {
        "label": "确认公开的个人信息",
        "old": "",
        "new": listed,
        "kinds": ["id_number", "landline", "name"],
    }
    assert changes["status"]["new_value"] == "published"


# --- The moderation page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_reply_detail_marks_personal_data_and_lists_it_above_the_text(client):
    client.force_login(staff_user("official", roles.OFFICIAL))
    reply = reply_submit(case=a_case(), text="<i>已整改</i>\n联系人李四 13800138000")

    response = client.get(reverse("rectification:reply-detail", args=[reply.pk]))

    html = response.content.decode()
    assert "<strong>可能含有个人信息：</strong>手机号码 13800138000、责任人姓名 李四</p>" in html
    assert (
        '<blockquote class="unit-reply">&lt;i&gt;已整改&lt;/i&gt;<br>联系人'
        '<mark class="personal-data" title="责任人姓名">李四</mark> '
        '<mark class="personal-data" title="手机号码">13800138000</mark></blockquote>'
    ) in html
    assert "我确认公开的文本可以包含上面列出的个人信息" in html


@pytest.mark.django_db
def test_reply_detail_without_personal_data_shows_no_warning_nor_checkbox(client):
    client.force_login(staff_user("official", roles.OFFICIAL))
    reply = reply_submit(case=a_case(), text="已整改完毕")

    html = client.get(reverse("rectification:reply-detail", args=[reply.pk])).content.decode()

    assert "可能含有个人信息" not in html
    assert "personal_data_confirmed" not in html


@pytest.mark.django_db
def test_reply_detail_publish_needs_the_checkbox_when_personal_data_remains(client):
    official = staff_user("official", roles.OFFICIAL)
    client.force_login(official)
    reply = reply_submit(case=a_case(), text="已整改，邮箱 zhang@example.com")
    url = reverse("rectification:reply-detail", args=[reply.pk])
    post = {"decision": "publish", "published_text": "已整改，邮箱 zhang@example.com"}

    refused = client.post(url, post)

    assert refused.status_code == 400
    assert "公开的文本可能含有个人信息（电子邮箱 zhang@example.com）" in refused.content.decode()
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SUBMITTED

    published = client.post(url, {**post, "personal_data_confirmed": "on"})

    assert published["Location"] == reverse("rectification:reply-list")
    reply.refresh_from_db()
    assert (reply.status, reply.decided_by) == (ReplyStatus.PUBLISHED, official)
    [(comment, _changes)] = publish_rows(reply)
    assert comment == "经确认，公开的文本含有可能的个人信息：电子邮箱 zhang@example.com。"
