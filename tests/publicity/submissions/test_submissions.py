"""Reports and consultations: the form, tracking code, status page and staff triage."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from publicity.enums import SubmissionStatus
from publicity.models import Submission
from publicity.submissions.selectors import (
    TRACKING_ALPHABET,
    submission_history,
    tracking_code_normalise,
)
from publicity.submissions.services import (
    SubmissionError,
    submission_assign,
    submission_create,
    submission_reply,
)
from registry.models import Jurisdiction
from tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db
NEW = reverse("submissions:new")
STATUS = reverse("submissions:status")
FORM = {
    "kind": "report",
    "subject": "举报无证加油点",
    "body": "江北路边有人用铁桶卖汽油。",
    "unit_name": "",
    "district": "",
    "is_anonymous": "on",
    "submitter_name": "",
    "submitter_contact": "",
}


def test_submission_form_creates_anonymous_report_with_tracking_code(client):
    response = client.post(NEW, {**FORM, "submitter_name": "王五", "submitter_contact": "139"})

    assert response.status_code == 201
    submission = Submission.objects.get()
    assert (submission.subject, submission.status, submission.is_anonymous) == (
        "举报无证加油点",
        SubmissionStatus.RECEIVED,
        True,
    )
    # An anonymous report keeps no identity, whatever was typed.
    assert (submission.submitter_name, submission.submitter_contact) == ("", "")
    assert re.fullmatch(
        rf"([{TRACKING_ALPHABET}]{{4}}-){{3}}[{TRACKING_ALPHABET}]{{4}}", submission.tracking_code
    )
    assert submission.tracking_code in response.content.decode()


def test_submission_form_named_report_needs_contact(client):
    response = client.post(NEW, {**FORM, "is_anonymous": "", "submitter_name": "王五"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "submitter_contact": ["实名提交请留下联系方式，或勾选“匿名提交”。"]
    }
    # What the person typed is kept.
    assert response.context["form"]["submitter_name"].value() == "王五"
    assert Submission.objects.count() == 0


def test_submission_form_refuses_markup(client):
    response = client.post(NEW, {**FORM, "body": "看这里 <script>alert(1)</script>"})

    assert response.context["form"].errors == {
        "body": ["请只填写纯文字，不要包含网页标签（如 <b>）或特殊控制字符。"]
    }
    assert Submission.objects.count() == 0


def test_submission_form_refuses_oversized_body(client):
    response = client.post(NEW, {**FORM, "body": "字" * 3001})

    assert response.context["form"].errors == {
        "body": ["内容最多 3000 字，现在是 3001 字，请删减。"]
    }


def test_submission_form_needs_csrf_token():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(NEW, FORM)

    assert response.status_code == 403
    assert Submission.objects.count() == 0


def test_submission_form_rate_limited_per_client(client, settings):
    settings.PUBLIC_SUBMISSIONS_PER_HOUR = 2
    statuses = [client.post(NEW, FORM).status_code for _ in range(3)]
    other = client.post(NEW, FORM, REMOTE_ADDR="10.0.0.9")

    assert statuses == [201, 201, 429]
    assert other.status_code == 201
    assert Submission.objects.count() == 3


def test_submission_status_by_code_shows_reply(client):
    submission = SubmissionFactory(
        tracking_code="ABCD-EFGH-JKMN-PQRS",
        status=SubmissionStatus.ANSWERED,
        public_reply="已转住建局核查。",
    )

    response = client.post(STATUS, {"code": "abcd efgh jkmn pqrs"})

    assert response.context["submission"] == submission
    assert "已转住建局核查。" in response.content.decode()


def test_submission_status_unknown_code_says_so(client):
    response = client.post(STATUS, {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})

    assert response.context["form"].errors == {"code": ["没有找到这个查询码，请核对后重试。"]}


def test_tracking_code_normalise():
    assert tracking_code_normalise(" abcd-efgh jkmnpqrs ") == "ABCD-EFGH-JKMN-PQRS"
    assert tracking_code_normalise("GS-2010-0001") == "GS-2010-0001"


# --- Triage -------------------------------------------------------------------------------


def test_triage_requires_permission(client, make_staff):
    client.force_login(make_staff("nobody"))

    assert client.get(reverse("submissions:triage-list")).status_code == 403


def test_triage_anonymous_redirected_to_login(client):
    response = client.get(reverse("submissions:triage-list"))

    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_triage_district_staff_see_only_their_district(client, make_staff):
    huicheng = Jurisdiction.objects.get(code="441302")
    boluo = Jurisdiction.objects.get(code="441322")
    mine = SubmissionFactory(district=huicheng)
    theirs = SubmissionFactory(district=boluo)
    SubmissionFactory(district=None)
    client.force_login(make_staff("hc", "publicity.change_submission", jurisdiction="441302"))

    listed = client.get(reverse("submissions:triage-list"))

    assert [s.pk for s in listed.context["page"]] == [mine.pk]
    assert client.get(reverse("submissions:triage-detail", args=[theirs.pk])).status_code == 404


def test_triage_list_query_count(client, make_staff, count_queries, django_assert_num_queries):
    client.force_login(make_staff("city", "publicity.change_submission"))
    SubmissionFactory()
    url = reverse("submissions:triage-list")
    one = count_queries(lambda: client.get(url))
    SubmissionFactory.create_batch(2)
    cache.clear()  # both asked of an empty cache (the authorities' rules are read into it)

    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["page"]) == 3


def test_triage_identity_only_with_permission(client, make_staff):
    submission = SubmissionFactory(
        is_anonymous=False, submitter_name="赵六", submitter_contact="zhao@example.com"
    )
    url = reverse("submissions:triage-detail", args=[submission.pk])
    client.force_login(make_staff("triager", "publicity.change_submission"))
    assert "zhao@example.com" not in client.get(url).content.decode()

    client.force_login(
        make_staff("admin1", "publicity.change_submission", "publicity.view_submitter_identity")
    )
    assert "zhao@example.com" in client.get(url).content.decode()


def test_triage_assign_and_reply(client, make_staff):
    official = make_staff("official1", "publicity.change_submission")
    handler = make_staff("handler", "publicity.change_submission")
    submission = SubmissionFactory()
    url = reverse("submissions:triage-detail", args=[submission.pk])
    client.force_login(official)

    assigned = client.post(url, {"action": "assign", "assignee": handler.pk})
    replied = client.post(
        url, {"action": "reply", "public_reply": "已责令停业。", "status": "answered"}
    )

    assert (assigned.status_code, replied.status_code) == (302, 302)
    submission.refresh_from_db()
    assert (submission.assigned_to, submission.status, submission.public_reply) == (
        handler,
        SubmissionStatus.ANSWERED,
        "已责令停业。",
    )


def test_submission_assign_refuses_user_without_permission(make_staff):
    official = make_staff("official2", "publicity.change_submission")
    outsider = make_staff("outsider")

    with pytest.raises(SubmissionError, match="没有处理举报咨询的权限"):
        submission_assign(submission=SubmissionFactory(), assignee=outsider, actor=official)


def test_submission_reply_refuses_answer_without_text(make_staff):
    official = make_staff("official3", "publicity.change_submission")

    with pytest.raises(SubmissionError, match="答复或办结前请填写答复内容。"):
        submission_reply(
            submission=SubmissionFactory(), reply=" ", status="answered", actor=official
        )


def test_triage_reply_form_asks_the_moves_guard(client, make_staff):
    client.force_login(make_staff("official5", "publicity.change_submission"))
    answered = SubmissionFactory(status=SubmissionStatus.ANSWERED, public_reply="已答复")
    url = reverse("submissions:triage-detail", args=[answered.pk])

    # Answering, and blanking the reply of an answered one, both need the reply.
    blanked = client.post(url, {"action": "reply", "public_reply": "", "status": "answered"})
    closed = client.post(url, {"action": "reply", "public_reply": " ", "status": "closed"})

    for response in (blanked, closed):
        assert response.context["reply_form"].errors == {
            "public_reply": ["答复或办结前请填写答复内容。"]
        }
    answered.refresh_from_db()
    assert (answered.status, answered.public_reply) == (SubmissionStatus.ANSWERED, "已答复")


def test_submission_reply_refuses_reopening_closed(make_staff):
    official = make_staff("official4", "publicity.change_submission")
    closed = SubmissionFactory(status=SubmissionStatus.CLOSED, public_reply="已办结")

    with pytest.raises(SubmissionError, match="不能从“已办结”改为“处理中”。"):
        submission_reply(submission=closed, reply="再看看", status="in_progress", actor=official)


def test_submission_create_named_keeps_identity():
    submission = submission_create(
        kind="consultation",
        subject="咨询",
        body="怎么申请复查？",
        is_anonymous=False,
        submitter_name="钱七",
        submitter_contact="138",
    )

    assert (submission.submitter_name, submission.submitter_contact) == ("钱七", "138")


def test_dashboard_panel_counts_submissions_waiting(make_staff):
    from publicity.submissions.selectors import dashboard_panel

    user = make_staff("triage-panel", "publicity.change_submission")
    SubmissionFactory.create_batch(2)
    SubmissionFactory(status=SubmissionStatus.IN_PROGRESS, assigned_to=user)
    SubmissionFactory(status=SubmissionStatus.CLOSED, public_reply="已办结")

    panel = dashboard_panel(user=user)

    assert [(item["key"], item["count"]) for item in panel["items"]] == [
        ("unassigned", 2),
        ("mine", 1),
        ("open", 3),
    ]
    assert dashboard_panel(user=make_staff("no-triage")) == {}


def _history(submission):
    """The submission's history rows, oldest first: (move, actor, field, old, new)."""
    return [
        (record.move, record.actor.get_username(), field, change["old"], change["new"])
        for record in submission_history(submission=submission)[::-1]
        for field, change in record.changes.items()
    ]


def test_submission_assign_and_reply_leave_history_with_old_and_new_values(make_staff):
    official = make_staff("official5", "publicity.change_submission")
    first = make_staff("first", "publicity.change_submission")
    second = make_staff("second", "publicity.change_submission")
    second.last_name, second.first_name = "张", "三"
    second.save()
    submission = SubmissionFactory()

    submission_assign(submission=submission, assignee=first, actor=official)
    submission_assign(submission=submission, assignee=second, actor=official)
    submission_reply(submission=submission, reply="已责令停业。", status="answered", actor=second)
    submission_reply(
        submission=submission, reply="已责令停业整顿。", status="answered", actor=second
    )

    assert _history(submission) == [
        ("assign", "official5", "assigned_to", "", "first"),
        ("start", "official5", "status", "已受理", "处理中"),
        ("assign", "official5", "assigned_to", "first", "张三"),
        ("answer", "second", "status", "处理中", "已答复"),
        ("answer", "second", "public_reply", "", "已责令停业。"),
        ("note", "second", "status", "已答复", "已答复"),
        ("note", "second", "public_reply", "已责令停业。", "已责令停业整顿。"),
    ]


def test_submission_reply_by_unassigned_staff_records_them_taking_it(make_staff):
    official = make_staff("official6", "publicity.change_submission")
    submission = SubmissionFactory()

    submission_reply(submission=submission, reply="收到。", status="in_progress", actor=official)

    assert _history(submission) == [
        ("start", "official6", "status", "已受理", "处理中"),
        ("start", "official6", "public_reply", "", "收到。"),
        ("assign", "official6", "assigned_to", "", "official6"),
    ]


def test_triage_detail_shows_the_history(client, make_staff):
    official = make_staff("official7", "publicity.change_submission")
    handler = make_staff("handler7", "publicity.change_submission")
    submission = SubmissionFactory()
    url = reverse("submissions:triage-detail", args=[submission.pk])
    client.force_login(official)
    client.post(url, {"action": "assign", "assignee": handler.pk})
    client.post(url, {"action": "reply", "public_reply": "已责令停业。", "status": "answered"})

    page = client.get(url).content.decode()

    assert "处理记录" in page
    assert "<del>（空）</del> → <ins>handler7</ins>" in page
    assert "<del>（空）</del> → <ins>已责令停业。</ins>" in page
