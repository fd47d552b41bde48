"""Staff roles, as Django groups. Their permissions are set by migration
publicity/0002_roles (and by later migrations when a role gains or loses one).

Separation of duties (docs/security.md, "Separation of duties"): a role that approves,
finalises or decides, or one that administers, is given to an account only when a second
administrator confirms the request (core.role_grants). Which roles those are is read from the
permissions a group holds, never from its name, so any group is judged the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _

INSPECTOR = "inspector"  # 执法人员
OFFICIAL = "official"  # 审批领导
LIAISON = "department_liaison"  # 责任部门联络人
SUPERVISOR = "supervisor"  # 督查
ADMINISTRATOR = "administrator"  # 系统管理员

ALL = [INSPECTOR, OFFICIAL, LIAISON, SUPERVISOR, ADMINISTRATOR]

LABELS = {
    INSPECTOR: _("执法人员"),
    OFFICIAL: _("审批领导"),
    LIAISON: _("责任部门联络人"),
    SUPERVISOR: _("督查"),
    ADMINISTRATOR: _("系统管理员"),
}


def role_label(name: str) -> str:
    """A role group's name as people say it (a group an administrator made: its own name)."""
    return str(LABELS.get(name, name))


# The moves of the workflow tables that approve, finalise or decide: the four-eyes rules
# ("approved by an official who did not compose it") count on their holders being real,
# separate people.
APPROVING_PERMISSIONS = frozenset(
    {
        "publicity.approve_batch",
        "publicity.publish_batch",
        "publicity.decide_objection",
        "publicity.approve_erratum",
        "publicity.remove_entry_early",
        "rectification.extend_case_deadline",
    }
)
# What administers: the admin itself and any right over accounts, groups and permissions.
ADMINISTERING_PERMISSIONS = frozenset(
    {
        "core.use_admin",
        *(
            f"auth.{action}_{model}"
            for model in ("user", "group", "permission")
            for action in ("add", "change", "delete")
        ),
    }
)
GUARDED_PERMISSIONS = APPROVING_PERMISSIONS | ADMINISTERING_PERMISSIONS


def permission_names(permissions: Iterable[tuple[str, str]]) -> set[str]:
    """``app_label.codename`` of (app_label, codename) pairs."""
    return {f"{app_label}.{codename}" for app_label, codename in permissions}


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("已拒绝")
