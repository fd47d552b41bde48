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


# What each role may do: the one table of role → permissions ("app_label.codename"). After
# every ``migrate`` the five groups hold exactly these (core.apps: post_migrate, once every
# app's permissions exist; ``core.services.role_groups_sync``); the tests restore the groups
# from it; docs/security.md prints it (tests/core/test_roles.py holds the printed copy). A role
# is held in the staff member's authority and area: the permission says what, the profile's
# jurisdiction where (registry.permissions). The migrations that first granted these
# (publicity/0002, 0007, 0009, 0016; rectification/0006; registry/0012) are kept as history.
_VIEW_REFERENCE = (
    "registry.view_department",
    "registry.view_industry",
    "registry.view_jurisdiction",
    "registry.view_legalprovision",
)
_SEE_CASES = (
    "rectification.view_case",
    "rectification.view_event",
    "rectification.view_eventevidence",
)
PERMISSIONS: dict[str, frozenset[str]] = {
    INSPECTOR: frozenset(
        {
            *_VIEW_REFERENCE,
            *_SEE_CASES,
            "publicity.add_batch",
            "publicity.add_entry",
            "publicity.add_erratum",
            "publicity.add_mediareport",
            "publicity.add_objection",
            "publicity.change_batch",
            "publicity.change_entry",
            "publicity.change_mediareport",
            "publicity.view_batch",
            "publicity.view_batchtransition",
            "publicity.view_entry",
            "publicity.view_erratum",
            "publicity.view_mediareport",
            "publicity.view_objection",
            "rectification.add_event",
            "rectification.add_eventevidence",
            "rectification.change_case_contact",
            "rectification.issue_case_letter",
            "rectification.moderate_reply",
            "rectification.reinspect_case",
            "rectification.view_area_cases",
            "registry.add_accident",
            "registry.add_enterprise",
            "registry.add_evidence",
            "registry.add_finding",
            "registry.add_inspection",
            "registry.change_accident",
            "registry.change_enterprise",
            "registry.change_evidence",
            "registry.change_finding",
            "registry.change_inspection",
            "registry.view_accident",
            "registry.view_enterprise",
            "registry.view_evidence",
            "registry.view_finding",
            "registry.view_inspection",
        }
    ),
    OFFICIAL: frozenset(
        {
            *_VIEW_REFERENCE,
            *_SEE_CASES,
            "publicity.add_erratum",
            "publicity.add_mediareport",
            "publicity.add_objection",
            "publicity.approve_batch",
            "publicity.approve_erratum",
            "publicity.change_batch",
            "publicity.change_submission",
            "publicity.decide_objection",
            "publicity.publish_batch",
            "publicity.remove_entry_early",
            "publicity.view_batch",
            "publicity.view_batchtransition",
            "publicity.view_entry",
            "publicity.view_erratum",
            "publicity.view_mediareport",
            "publicity.view_objection",
            "publicity.view_submission",
            "rectification.add_event",
            "rectification.change_case",
            "rectification.extend_case_deadline",
            "rectification.moderate_reply",
            "rectification.view_area_cases",
            "registry.view_accident",
            "registry.view_enterprise",
            "registry.view_evidence",
            "registry.view_finding",
            "registry.view_inspection",
        }
    ),
    LIAISON: frozenset(
        {
            *_VIEW_REFERENCE,
            *_SEE_CASES,
            "publicity.view_entry",
            "rectification.add_event",
            "rectification.add_eventevidence",
            "rectification.change_case_contact",
            "rectification.issue_case_letter",
            "rectification.moderate_reply",
            "rectification.record_case_progress",
            "registry.view_enterprise",
            "registry.view_finding",
        }
    ),
    SUPERVISOR: frozenset(
        {
            *_VIEW_REFERENCE,
            *_SEE_CASES,
            "publicity.view_batch",
            "publicity.view_entry",
            "rectification.add_event",
            "rectification.supervise_case",
            "rectification.view_overdue_cases",
            "rectification.view_reminder",
            "registry.view_accident",
            "registry.view_enterprise",
            "registry.view_finding",
        }
    ),
    ADMINISTRATOR: frozenset(
        {
            "auth.add_user",
            "auth.change_user",
            "auth.view_group",
            "auth.view_user",
            "core.use_admin",
            *(
                f"core.{action}_{model}"
                for model in ("calendarday", "calendaryear")
                for action in ("add", "change", "delete", "view")
            ),
            "publicity.change_submission",
            "publicity.view_submission",
            "publicity.view_submitter_identity",
            *(
                f"registry.{action}_{model}"
                for model in (
                    "authority",
                    "department",
                    "industry",
                    "jurisdiction",
                    "legalprovision",
                    "staffprofile",
                )
                for action in ("add", "change", "delete", "view")
            ),
        }
    ),
}


def roles_markdown() -> str:
    """The table of role → permissions as docs/security.md prints it: one row per
    permission, a mark under each role holding it."""
    codes = sorted({code for held in PERMISSIONS.values() for code in held})
    lines = [
        "| permission | " + " | ".join(ALL) + " |",
        "|---|" + "---|" * len(ALL),
    ]
    for code in codes:
        marks = " | ".join("✓" if code in PERMISSIONS[role] else "" for role in ALL)
        lines.append(f"| `{code}` | {marks} |")
    return "\n".join(lines) + "\n"


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
