"""Separation of duties for administrators: the services that give an account a role that
approves or administers, only with a second administrator's confirmation; and the forced
password change that replaces an administrator setting someone else's password.

Why: one administrator able to give a second account the officials' role (or set an
official's password) holds two officials' rights, and every "another official" rule —
a batch is approved by an official who did not compose it — counts on those being two people.

* :func:`role_grant_request` files a request for a guarded role (core.roles); the account
  does not hold the role yet.
* :func:`role_grant_confirm` — by another administrator, never the requester nor the account
  itself — gives it; the holders of the same rights are told (in-app inbox, through
  :data:`role_grant_confirmed`, and email, by the ``core.role_grant_notify`` job).
* :func:`role_grant_refuse` closes a request without giving the role.
* :func:`user_groups_apply` is what the admin's user form calls: roles taken away and
  unguarded roles given apply at once; guarded ones become requests.

Superusers (created at the command line, ``manage.py createsuperuser``) grant directly: they
are the bootstrap path (docs/security.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.jobs import job_send_on_commit
from core.models import PasswordChangeRequired, RoleGrant
from core.roles import (
    ADMINISTERING_PERMISSIONS,
    APPROVING_PERMISSIONS,
    GUARDED_PERMISSIONS,
    RoleGrantStatus,
    permission_names,
    role_label,
)

logger = logging.getLogger(__name__)

# Sent inside the confirming transaction, once a guarded role is given: ``grant`` (the
# confirmed RoleGrant) and ``recipients`` (the users to tell, a list). A higher app puts the
# notice in their in-app inbox (rectification.receivers), in the same transaction.
role_grant_confirmed = Signal()

# Who may ask for or decide a grant: whoever may change accounts.
DECIDE_PERMISSION = "auth.change_user"


class RoleGrantError(Exception):
    """A request or decision that cannot be made; the message says why, for the person."""


def person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def group_permissions(group: Group) -> set[str]:
    return permission_names(group.permissions.values_list("content_type__app_label", "codename"))


def guarded_group_ids(groups: Iterable[Group]) -> set[int]:
    """The ids of ``groups`` that hold a permission that approves or administers (one query)."""
    ids = [group.pk for group in groups]
    if not ids:
        return set()
    pairs = Group.permissions.through.objects.filter(group_id__in=ids).values_list(
        "group_id", "permission__content_type__app_label", "permission__codename"
    )
    return {
        group_id
        for group_id, app_label, codename in pairs
        if f"{app_label}.{codename}" in GUARDED_PERMISSIONS
    }


def pending_grants() -> QuerySet[RoleGrant]:
    """The queue another administrator decides."""
    return RoleGrant.objects.filter(status=RoleGrantStatus.PENDING).select_related(
        "user", "group", "requested_by"
    )


def _check_decider(actor: User) -> None:
    if not (actor.is_active and actor.has_perm(DECIDE_PERMISSION)):
        raise RoleGrantError(_("只有可以管理账号的管理员才能申请、确认或拒绝授予角色。"))


@transaction.atomic
def role_grant_request(*, user: User, group: Group, requested_by: User) -> RoleGrant:
    """File a request to give ``user`` the guarded role ``group``; the role is not given
    until another administrator confirms (:func:`role_grant_confirm`).

    Side effects: one pending RoleGrant row.
    """
    _check_decider(requested_by)
    if user.pk == requested_by.pk:
        raise RoleGrantError(_("不能为自己的账号申请角色。"))
    if not guarded_group_ids([group]):
        raise RoleGrantError(
            _("“%(role)s”角色无需确认，可直接授予。") % {"role": role_label(group.name)}
        )
    if user.groups.filter(pk=group.pk).exists():
        raise RoleGrantError(
            _("%(user)s 已有“%(role)s”角色。")
            % {"user": person_name(user), "role": role_label(group.name)}
        )
    try:
        with transaction.atomic():
            return RoleGrant.objects.create(
                user=user, group=group, requested_by=requested_by, requested_at=timezone.now()
            )
    except IntegrityError:  # role_grant_one_pending
        raise RoleGrantError(
            _("为 %(user)s 授予“%(role)s”角色的申请已在等待确认。")
            % {"user": person_name(user), "role": role_label(group.name)}
        ) from None


def _locked_pending(grant_id: int) -> RoleGrant:
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "group", "requested_by")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise RoleGrantError(_("找不到该授予申请。"))
    if grant.status != RoleGrantStatus.PENDING:
        raise RoleGrantError(
            _("该申请已%(status)s，不能再处理。") % {"status": grant.get_status_display()}
        )
    return grant


def _record_decision(grant: RoleGrant, status: RoleGrantStatus, actor: User) -> None:
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def role_grant_confirm(*, grant_id: int, actor: User) -> RoleGrant:
    """Confirm a pending request: the account gets the role.

    Refused when ``actor`` asked for it, or is the account itself. Side effects, in one
    transaction: the account joins the group (and, for a role that uses the admin, becomes
    staff, which the admin also asks for); the grant records who confirmed it and when; the
    holders of the same rights get an inbox message (:data:`role_grant_confirmed`); after
    commit, the ``core.role_grant_notify`` job emails them.
    """
    _check_decider(actor)
    grant = _locked_pending(grant_id)
    if actor.pk == grant.requested_by_id:
        raise RoleGrantError(_("不能确认自己提出的申请：须由另一位管理员确认。"))
    if actor.pk == grant.user_id:
        raise RoleGrantError(_("不能确认为自己授予角色的申请：须由另一位管理员确认。"))
    _record_decision(grant, RoleGrantStatus.CONFIRMED, actor)
    grant.user.groups.add(grant.group)
    permissions = group_permissions(grant.group)
    if "core.use_admin" in permissions and not grant.user.is_staff:
        grant.user.is_staff = True
        grant.user.save(update_fields=["is_staff"])
    recipients = list(role_grant_recipients(grant=grant, permissions=permissions))
    if recipients:
        role_grant_confirmed.send(sender=RoleGrant, grant=grant, recipients=recipients)
        job_send_on_commit("core.role_grant_notify", grant_id=grant.pk)
    return grant


@transaction.atomic
def role_grant_refuse(*, grant_id: int, actor: User) -> RoleGrant:
    """Refuse a pending request (or, by its requester, withdraw it): the account does not
    get the role. Side effects: the grant records who refused it and when."""
    _check_decider(actor)
    grant = _locked_pending(grant_id)
    _record_decision(grant, RoleGrantStatus.REFUSED, actor)
    return grant


def role_grant_recipients(
    *, grant: RoleGrant, permissions: set[str] | None = None
) -> QuerySet[User]:
    """Who is told of a new holder of a guarded role: for a role that approves or decides,
    everyone holding one of its approving rights (every official, for the officials' role);
    for one that administers, every administrator. Never the new holder."""
    permissions = group_permissions(grant.group) if permissions is None else permissions
    told = Q(pk__in=[])
    for permission in sorted(permissions & APPROVING_PERMISSIONS):
        told |= Q(pk__in=User.objects.with_perm(permission).values("pk"))
    if permissions & ADMINISTERING_PERMISSIONS:
        told |= Q(pk__in=User.objects.with_perm("core.use_admin").values("pk"))
    return User.objects.filter(told, is_active=True).exclude(pk=grant.user_id).order_by("pk")


def role_grant_notice(grant: RoleGrant) -> tuple[str, str]:
    """The notice's subject and body, in the active language."""
    names = {
        "user": person_name(grant.user),
        "role": role_label(grant.group.name),
        "requester": person_name(grant.requested_by),
        "confirmer": person_name(grant.decided_by) if grant.decided_by else "",
        "at": timezone.localtime(grant.decided_at).strftime("%Y-%m-%d %H:%M")
        if grant.decided_at
        else "",
    }
    subject = _("新的角色持有人：%(user)s（%(role)s）") % names
    body = (
        _(
            "%(user)s 已获得“%(role)s”角色：由 %(requester)s 申请，%(confirmer)s 于 %(at)s 确认。"
            "如您不认识此人或认为有误，请立即联系信息化部门或单位负责人。"
        )
        % names
    )
    return subject, body


@dataclass(frozen=True)
class NotifyResult:
    emailed: int


@transaction.atomic
def role_grant_notify_send(*, grant_id: int) -> NotifyResult:
    """Email the holders of the same rights about a confirmed grant, once: the grant is
    locked and marked notified in the transaction that sends, so a second run sends nothing.
    An SMTP failure raises and leaves it unmarked for the job to be run again."""
    grant = (
        RoleGrant.objects.select_for_update(of=("self",))
        .select_related("user", "group", "requested_by", "decided_by")
        .filter(pk=grant_id, status=RoleGrantStatus.CONFIRMED, notified_at__isnull=True)
        .first()
    )
    if grant is None:
        return NotifyResult(emailed=0)
    addresses = [
        email
        for email in role_grant_recipients(grant=grant).values_list("email", flat=True)
        if email
    ]
    with override(settings.LANGUAGE_CODE):
        subject, body = role_grant_notice(grant)
    if addresses:
        with get_connection() as mail:
            mail.send_messages(
                [EmailMessage(subject=subject, body=body, to=[address]) for address in addresses]
            )
    grant.notified_at = timezone.now()
    grant.save(update_fields=["notified_at"])
    return NotifyResult(emailed=len(addresses))


def role_grant_notify_pending() -> int:
    """The email of every confirmed grant not yet sent (its job lost to a broker outage at
    commit, or its SMTP send failed): the beat runs this, so no notice is lost. Emails sent."""
    pending = RoleGrant.objects.filter(
        status=RoleGrantStatus.CONFIRMED, notified_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(role_grant_notify_send(grant_id=pk).emailed for pk in list(pending))


def user_groups_apply(
    *, user: User, groups: Iterable[Group], actor: User
) -> tuple[list[RoleGrant], list[str]]:
    """Give ``user`` exactly ``groups``, as the admin's user form asks, as far as ``actor``
    may: roles taken away and roles that need no confirmation apply at once; a guarded role
    becomes a request for another administrator to confirm (a superuser's applies at once).

    Returns the requests filed and the refusals (a role already asked for, say), as messages.
    Call inside the form's transaction (the admin's change view is one).
    """
    wanted = {group.pk: group for group in groups}
    held = set(user.groups.values_list("pk", flat=True))
    removed = held - set(wanted)
    if removed:
        user.groups.remove(*removed)
    added = [group for pk, group in wanted.items() if pk not in held]
    guarded = set() if actor.is_superuser else guarded_group_ids(added)
    direct = [group for group in added if group.pk not in guarded]
    if direct:
        user.groups.add(*direct)
    filed: list[RoleGrant] = []
    refused: list[str] = []
    for group in added:
        if group.pk in guarded:
            try:
                filed.append(role_grant_request(user=user, group=group, requested_by=actor))
            except RoleGrantError as error:
                refused.append(str(error))
    return filed, refused


# --- Passwords: administrators never set someone else's -------------------------------------


@transaction.atomic
def password_change_require(*, user: User, actor: User | None) -> PasswordChangeRequired:
    """Ask ``user`` to choose a new password at their next login (staff/password.py)."""
    required, _created = PasswordChangeRequired.objects.update_or_create(
        user=user, defaults={"required_by": actor, "required_at": timezone.now()}
    )
    return required


def password_change_done(*, user: User) -> None:
    """The person chose a new password: nothing more is asked of them."""
    PasswordChangeRequired.objects.filter(user=user).delete()


def password_change_is_required(user: User) -> bool:
    return PasswordChangeRequired.objects.filter(user=user).exists()
