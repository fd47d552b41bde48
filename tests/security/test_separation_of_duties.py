"""Separation of duties for administrators (issue "What people see, tested as they see it",
defect 5: one administrator could make a second account an official — or set an official's
password — and so hold two officials' rights, defeating every four-eyes rule).

A role that approves or administers is given only when a second administrator confirms the
request (core.role_grants); the officials are told; nobody sets another person's password in
the admin; groups are edited by superusers only; a TOTP device's secret is its holder's.
"""

import time

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from core.models import PasswordChangeRequired, RoleGrant
from core.role_grants import (
    RoleGrantError,
    role_grant_confirm,
    role_grant_notify_pending,
    role_grant_notify_send,
    role_grant_refuse,
    role_grant_request,
)
from publicity.enums import BatchStatus
from publicity.models import Batch, Entry
from publicity.services import batch_create, batch_submit, entry_add
from rectification.models import InboxMessage
from registry.models import Jurisdiction, StaffProfile
from tests.factories import FindingFactory, staff_user

pytestmark = pytest.mark.django_db

PUPPET_PASSWORD = "a-puppet-password-71"
NEW_PASSWORD = "a-new-own-password-93"


def _group(name):
    return Group.objects.get(name=name)


def _user_form(user, **changes):
    """The admin's change form of ``user`` as an administrator submits it (the fields a
    non-superuser may edit), with ``changes``."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [str(pk) for pk in user.groups.values_list("pk", flat=True)],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return data


def _submitted_batch():
    composer = staff_user("composer", roles.INSPECTOR)
    batch = batch_create(composer=composer)
    entry_add(batch=batch, findings=[FindingFactory()], actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    return batch_submit(batch=batch, actor=composer)


def _decide(client, grant, action):
    return client.post(
        reverse("admin:core_rolegrant_changelist"),
        {"action": action, "_selected_action": [str(grant.pk)]},
        follow=True,
    )


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_sock_puppet_official_made_by_one_administrator_cannot_approve(client):
    # The path of the defect: a non-superuser administrator makes a second account in the
    # admin, gives it the officials' role and a staff profile, signs in as it and approves a
    # batch an inspector composed. It stops at the first step: the role is not given.
    batch = _submitted_batch()
    administrator = staff_user("it", roles.ADMINISTRATOR)
    client.force_login(administrator)

    added = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "puppet",
            "usable_password": "true",
            "password1": PUPPET_PASSWORD,
            "password2": PUPPET_PASSWORD,
        },
    )
    puppet = User.objects.get(username="puppet")
    granted = client.post(
        reverse("admin:auth_user_change", args=[puppet.pk]),
        _user_form(puppet, groups=[str(_group(roles.OFFICIAL).pk)]),
        follow=True,
    )

    assert added.status_code == 302
    assert granted.status_code == 200
    # The role is not given: a request waits for a second administrator.
    assert list(puppet.groups.values_list("name", flat=True)) == []
    grant = RoleGrant.objects.get(user=puppet)
    assert (grant.group.name, grant.status, grant.requested_by) == (
        roles.OFFICIAL,
        "pending",
        administrator,
    )
    # Beside the admin's own "added" and "changed" messages, the request's.
    assert [m for m in _messages(granted) if "授予" in m] == [
        "已提交为 puppet 授予“审批领导”角色的申请：须由另一位管理员在“角色授予”中确认后才生效。"
    ]

    profile = client.post(
        reverse("admin:registry_staffprofile_add"),
        {
            "user": str(puppet.pk),
            "jurisdiction": str(Jurisdiction.objects.get(code="441300").pk),
            "department": "",
            "phone": "",
        },
    )
    assert profile.status_code == 302
    assert StaffProfile.objects.filter(user=puppet).exists()

    # Signing in as the puppet: the administrator's password must be replaced first, and the
    # account holds no right to approve.
    client.logout()
    client.post(reverse("staff-login"), {"username": "puppet", "password": PUPPET_PASSWORD})
    first_page = client.get(reverse("staff-dashboard"))
    client.post(
        reverse("staff-password-change"),
        {
            "old_password": PUPPET_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    approve = client.post(reverse("publicity:batch-approve", args=[batch.pk]))

    assert (first_page.status_code, first_page["Location"]) == (
        302,
        reverse("staff-password-change"),
    )
    assert approve.status_code == 403
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.SUBMITTED


def test_role_grant_confirmed_by_a_second_administrator_records_both_names(client):
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    client.force_login(first)
    client.post(
        reverse("admin:auth_user_change", args=[newcomer.pk]),
        _user_form(
            newcomer,
            groups=[str(_group(roles.INSPECTOR).pk), str(_group(roles.OFFICIAL).pk)],
        ),
    )
    grant = RoleGrant.objects.get(user=newcomer)

    client.force_login(second)
    queue = client.get(reverse("admin:core_rolegrant_changelist"))
    confirmed = _decide(client, grant, "confirm")

    grant.refresh_from_db()
    assert [g.pk for g in queue.context["cl"].result_list] == [grant.pk]
    assert _messages(confirmed) == ["已确认：newcomer 获得“审批领导”角色，已通知相关人员。"]
    assert (grant.status, grant.requested_by, grant.decided_by) == ("confirmed", first, second)
    assert grant.requested_at <= grant.decided_at <= timezone.now()
    assert sorted(newcomer.groups.values_list("name", flat=True)) == [
        roles.INSPECTOR,
        roles.OFFICIAL,
    ]
    assert User.objects.get(pk=newcomer.pk).has_perm("publicity.approve_batch") is True


def test_role_grant_requester_cannot_confirm_their_own_request(client):
    administrator = staff_user("it", roles.ADMINISTRATOR)
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    grant = role_grant_request(
        user=newcomer, group=_group(roles.OFFICIAL), requested_by=administrator
    )
    client.force_login(administrator)

    response = _decide(client, grant, "confirm")

    grant.refresh_from_db()
    assert _messages(response) == ["不能确认自己提出的申请：须由另一位管理员确认。"]
    assert (grant.status, grant.decided_by) == ("pending", None)
    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.INSPECTOR]


def test_role_grant_the_account_itself_cannot_confirm_its_grant():
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    grant = role_grant_request(user=second, group=_group(roles.OFFICIAL), requested_by=first)

    with pytest.raises(RoleGrantError, match="不能确认为自己授予角色的申请"):
        role_grant_confirm(grant_id=grant.pk, actor=second)
    with pytest.raises(RoleGrantError, match="不能为自己的账号申请角色"):
        role_grant_request(user=first, group=_group(roles.OFFICIAL), requested_by=first)
    assert list(second.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]


def test_role_grant_refused_leaves_the_account_without_the_role(client):
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    grant = role_grant_request(user=newcomer, group=_group(roles.ADMINISTRATOR), requested_by=first)
    client.force_login(second)

    response = _decide(client, grant, "refuse")

    grant.refresh_from_db()
    assert _messages(response) == ["已拒绝为 newcomer 授予“系统管理员”角色。"]
    assert (grant.status, grant.decided_by) == ("refused", second)
    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.INSPECTOR]
    with pytest.raises(RoleGrantError, match="该申请已已拒绝，不能再处理。"):
        role_grant_confirm(grant_id=grant.pk, actor=second)


def test_role_grant_only_an_administrator_of_accounts_decides():
    first = staff_user("it1", roles.ADMINISTRATOR)
    official = staff_user("boss", roles.OFFICIAL)
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    grant = role_grant_request(user=newcomer, group=_group(roles.OFFICIAL), requested_by=first)

    with pytest.raises(RoleGrantError, match="只有可以管理账号的管理员"):
        role_grant_confirm(grant_id=grant.pk, actor=official)
    with pytest.raises(RoleGrantError, match="只有可以管理账号的管理员"):
        role_grant_refuse(grant_id=grant.pk, actor=official)


def test_administrator_role_confirmed_makes_the_account_staff():
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    newcomer = User.objects.create_user("newcomer")
    grant = role_grant_request(user=newcomer, group=_group(roles.ADMINISTRATOR), requested_by=first)

    role_grant_confirm(grant_id=grant.pk, actor=second)

    newcomer.refresh_from_db()
    assert (newcomer.is_staff, newcomer.has_perm("core.use_admin")) == (True, True)


def test_roles_that_neither_approve_nor_administer_are_given_and_taken_at_once(client):
    administrator = staff_user("it", roles.ADMINISTRATOR)
    official = staff_user("boss", roles.OFFICIAL)
    client.force_login(administrator)

    # Taking the officials' role away needs nobody's confirmation; giving the inspectors'
    # needs none either.
    client.post(
        reverse("admin:auth_user_change", args=[official.pk]),
        _user_form(official, groups=[str(_group(roles.INSPECTOR).pk)]),
    )

    assert list(official.groups.values_list("name", flat=True)) == [roles.INSPECTOR]
    assert RoleGrant.objects.count() == 0


def test_administrator_cannot_set_staff_status(client):
    administrator = staff_user("it", roles.ADMINISTRATOR)
    newcomer = User.objects.create_user("newcomer")
    client.force_login(administrator)

    client.post(
        reverse("admin:auth_user_change", args=[newcomer.pk]), _user_form(newcomer, is_staff="on")
    )

    newcomer.refresh_from_db()
    assert newcomer.is_staff is False


def test_a_group_built_with_an_approving_right_is_guarded_too(client):
    # A group is judged by what it holds, not its name.
    approvers = Group.objects.create(name="approvers")
    approvers.permissions.add(
        Permission.objects.get(content_type__app_label="publicity", codename="approve_batch")
    )
    administrator = staff_user("it", roles.ADMINISTRATOR)
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    client.force_login(administrator)

    client.post(
        reverse("admin:auth_user_change", args=[newcomer.pk]),
        _user_form(newcomer, groups=[str(_group(roles.INSPECTOR).pk), str(approvers.pk)]),
    )

    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.INSPECTOR]
    assert RoleGrant.objects.get().group == approvers


def test_superuser_grants_directly_as_the_bootstrap_path(client):
    root = User.objects.create_superuser("root", password="a-long-root-password")
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    client.force_login(root)

    client.post(
        reverse("admin:auth_user_change", args=[newcomer.pk]),
        _user_form(
            newcomer,
            groups=[str(_group(roles.OFFICIAL).pk)],
            is_staff="on",
            user_permissions=[],
        ),
    )

    assert list(newcomer.groups.values_list("name", flat=True)) == [roles.OFFICIAL]
    assert RoleGrant.objects.count() == 0


def test_group_permissions_are_edited_by_superusers_only(client):
    administrator = staff_user("it", roles.ADMINISTRATOR)
    # Even an administrator a superuser gave the right to change groups.
    administrator.user_permissions.add(
        Permission.objects.get(content_type__app_label="auth", codename="change_group")
    )
    inspectors = _group(roles.INSPECTOR)
    approve = Permission.objects.get(content_type__app_label="publicity", codename="approve_batch")
    client.force_login(administrator)

    response = client.post(
        reverse("admin:auth_group_change", args=[inspectors.pk]),
        {"name": roles.INSPECTOR, "permissions": [str(approve.pk)]},
    )

    assert response.status_code == 403
    assert inspectors.permissions.filter(pk=approve.pk).exists() is False


def test_officials_are_told_of_a_new_approver_in_their_inbox(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    boss = staff_user("boss", roles.OFFICIAL, email="boss@example.gov.cn")
    deputy = staff_user("deputy", roles.OFFICIAL)
    staff_user("inspector", roles.INSPECTOR, email="inspector@example.gov.cn")
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    newcomer.first_name, newcomer.last_name = "新", "张"
    newcomer.save()
    grant = role_grant_request(user=newcomer, group=_group(roles.OFFICIAL), requested_by=first)

    role_grant_confirm(grant_id=grant.pk, actor=second)
    client.force_login(boss)
    inbox = client.get(reverse("rectification:inbox"))
    english = client.get(reverse("rectification:inbox"), HTTP_ACCEPT_LANGUAGE="en")

    assert sorted(
        InboxMessage.objects.filter(role_grant=grant).values_list("recipient__username", flat=True)
    ) == ["boss", "deputy"]
    assert deputy.pk in InboxMessage.objects.values_list("recipient", flat=True)
    shown = inbox.content.decode()
    assert "新的角色持有人：新 张（审批领导）" in shown
    assert "新 张 已获得“审批领导”角色：由 it1 申请，it2 于" in shown
    assert "New holder of a role: 新 张 (Official)" in english.content.decode()
    opened = client.post(
        reverse("rectification:inbox-open", args=[InboxMessage.objects.get(recipient=boss).pk])
    )
    assert (opened.status_code, opened["Location"]) == (302, reverse("rectification:inbox"))


def test_officials_are_emailed_once_about_a_new_approver():
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    staff_user("boss", roles.OFFICIAL, email="boss@example.gov.cn")
    staff_user("deputy", roles.OFFICIAL, email="deputy@example.gov.cn")
    staff_user("inspector", roles.INSPECTOR, email="inspector@example.gov.cn")
    newcomer = staff_user("newcomer", roles.INSPECTOR, email="newcomer@example.gov.cn")
    grant = role_grant_request(user=newcomer, group=_group(roles.OFFICIAL), requested_by=first)
    role_grant_confirm(grant_id=grant.pk, actor=second)

    first_run = role_grant_notify_send(grant_id=grant.pk)
    second_run = role_grant_notify_send(grant_id=grant.pk)

    assert (first_run.emailed, second_run.emailed) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "boss@example.gov.cn",
        "deputy@example.gov.cn",
    ]
    assert mail.outbox[0].subject == "新的角色持有人：newcomer（审批领导）"


def test_an_email_lost_at_commit_is_sent_by_the_beat_sweep():
    # In this test the confirming transaction's on-commit job never runs, as when the broker
    # is down at commit: the sweep on the beat schedule sends it.
    from config.celery import app

    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    staff_user("boss", roles.OFFICIAL, email="boss@example.gov.cn")
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    grant = role_grant_request(user=newcomer, group=_group(roles.OFFICIAL), requested_by=first)
    role_grant_confirm(grant_id=grant.pk, actor=second)

    sent = role_grant_notify_pending()
    again = role_grant_notify_pending()

    assert (sent, again) == (1, 0)
    assert [message.to for message in mail.outbox] == [["boss@example.gov.cn"]]
    assert app.conf.beat_schedule["role-grant-notify-pending"]["task"] == (
        "core.role_grant_notify_pending"
    )


@pytest.mark.django_db(transaction=True)
def test_officials_are_emailed_by_the_job_on_a_real_worker(celery_worker):
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    staff_user("boss", roles.OFFICIAL, email="boss@example.gov.cn")
    newcomer = staff_user("newcomer", roles.INSPECTOR)
    grant = role_grant_request(user=newcomer, group=_group(roles.OFFICIAL), requested_by=first)

    role_grant_confirm(grant_id=grant.pk, actor=second)

    deadline = time.monotonic() + 60
    while not RoleGrant.objects.filter(pk=grant.pk, notified_at__isnull=False).exists():
        assert time.monotonic() < deadline, "the job did not email within 60 s"
        time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [["boss@example.gov.cn"]]


def test_administrator_cannot_set_another_persons_password(client):
    administrator = staff_user("it", roles.ADMINISTRATOR, password="own-password-12345")
    official = staff_user("boss", roles.OFFICIAL, password="the-officials-own-pass")
    client.force_login(administrator)
    url = reverse("admin:auth_user_password_change", args=[official.pk])

    page = client.get(url)
    posted = client.post(
        url,
        {"password1": "chosen-by-admin-123", "password2": "chosen-by-admin-123"},
    )
    change_page = client.get(reverse("admin:auth_user_change", args=[official.pk]))
    own = client.get(reverse("admin:auth_user_password_change", args=[administrator.pk]))

    official.refresh_from_db()
    assert (page.status_code, posted.status_code) == (403, 403)
    assert official.check_password("the-officials-own-pass") is True
    assert "../password/" not in change_page.content.decode()
    assert "管理员不能设置他人的密码" in change_page.content.decode()
    assert own.status_code == 200


def test_required_password_change_at_next_login(client):
    administrator = staff_user("it", roles.ADMINISTRATOR)
    official = staff_user("boss", roles.OFFICIAL, password="the-officials-own-pass")
    client.force_login(administrator)

    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "require_password_change", "_selected_action": [str(official.pk)]},
    )
    client.logout()
    client.post(reverse("staff-login"), {"username": "boss", "password": "the-officials-own-pass"})
    blocked = client.get(reverse("publicity:approval-queue"))
    changed = client.post(
        reverse("staff-password-change"),
        {
            "old_password": "the-officials-own-pass",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    queue = client.get(reverse("publicity:approval-queue"))

    official.refresh_from_db()
    assert PasswordChangeRequired.objects.filter(user=official).exists() is False
    assert (blocked.status_code, blocked["Location"]) == (302, reverse("staff-password-change"))
    assert (changed.status_code, changed["Location"]) == (302, reverse("staff-dashboard"))
    assert queue.status_code == 200
    assert official.check_password(NEW_PASSWORD) is True


def test_staff_change_their_own_password_without_being_asked(client):
    inspector = staff_user("insp", roles.INSPECTOR, password="the-inspectors-pass-1")
    client.force_login(inspector)

    page = client.get(reverse("staff-password-change"))
    changed = client.post(
        reverse("staff-password-change"),
        {
            "old_password": "the-inspectors-pass-1",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    inspector.refresh_from_db()
    assert page.status_code == 200
    assert changed.status_code == 302
    assert inspector.check_password(NEW_PASSWORD) is True


def test_admin_totp_pages_404_for_a_missing_device(client):
    client.force_login(User.objects.create_superuser("root", password="a-long-root-password"))

    config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[999999]))
    qrcode = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[999999]))

    assert (config.status_code, qrcode.status_code) == (404, 404)


def test_admin_totp_secret_is_shown_to_its_holder_only(client):
    root = User.objects.create_superuser("root", password="a-long-root-password")
    own = TOTPDevice.objects.create(user=root, name="phone", confirmed=True)
    officials = TOTPDevice.objects.create(
        user=staff_user("boss", roles.OFFICIAL), name="phone", confirmed=True
    )
    client.force_login(root)
    # The superuser's own device asks for its code first.
    session = client.session
    session["otp_device_id"] = own.persistent_id
    session.save()

    own_config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[own.pk]))
    other_config = client.get(reverse("admin:otp_totp_totpdevice_config", args=[officials.pk]))
    other_qrcode = client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[officials.pk]))
    other_change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[officials.pk]))

    assert own_config.status_code == 200
    assert (other_config.status_code, other_qrcode.status_code) == (403, 403)
    assert other_change.status_code == 200
    assert officials.key not in other_change.content.decode()


def test_required_second_factor_covers_administrators(client, settings):
    settings.OTP_REQUIRED = True
    client.force_login(staff_user("it", roles.ADMINISTRATOR))

    response = client.get(reverse("admin:index"))

    assert (response.status_code, response["Location"]) == (302, reverse("staff-otp-enrol"))


def test_production_environment_requires_the_second_factor():
    from tests.security.test_deploy import _production_env

    assert _production_env()["OTP_REQUIRED"] == "true"


def _confirmed_grants(count, first, second):
    for _ in range(count):
        newcomer = staff_user(f"newcomer{RoleGrant.objects.count()}", roles.INSPECTOR)
        grant = role_grant_request(user=newcomer, group=_group(roles.OFFICIAL), requested_by=first)
        role_grant_confirm(grant_id=grant.pk, actor=second)


def test_role_grant_list_query_count_is_the_same_for_1_and_3_rows(
    client, django_assert_num_queries
):
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    client.force_login(second)
    url = reverse("admin:core_rolegrant_changelist")
    _confirmed_grants(1, first, second)
    client.get(url)  # warm the session and the per-process caches
    # (One of them reads the administrator's staff profile: the admin lets in the top
    # authority's administrators only, registry.admin_site.)
    with django_assert_num_queries(8) as one:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 1
    _confirmed_grants(2, first, second)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 3


def test_inbox_with_role_grant_notices_query_count_is_the_same_for_1_and_3(
    client, django_assert_num_queries
):
    first = staff_user("it1", roles.ADMINISTRATOR)
    second = staff_user("it2", roles.ADMINISTRATOR)
    boss = staff_user("boss", roles.OFFICIAL)
    client.force_login(boss)
    url = reverse("rectification:inbox")
    _confirmed_grants(1, first, second)
    client.get(url)
    # ... and the official's profile: the staff page's header names their own authority.
    with django_assert_num_queries(8) as one:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 1
    _confirmed_grants(2, first, second)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 3
