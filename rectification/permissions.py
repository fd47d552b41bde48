"""Who may see and act on a rectification case: the one place that decides it.

* department liaisons (责任部门联络人) see the cases of their own department, record progress
  and the unit's application for re-inspection;
* inspectors (执法人员) see the cases in their jurisdiction and record re-inspections;
* officials (审批领导) see the cases in their jurisdiction and extend deadlines;
* supervisors (督查) see the cases in their jurisdiction and record supervision actions on
  overdue or escalated ones;
* administrators see the cases in their jurisdiction; superusers see and may do everything.

Jurisdiction scoping is registry.permissions'. Everything is checked on the server; views ask
:func:`case_for_user`, which returns the case together with what the user may do.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from core import roles
from rectification.enums import CaseStatus
from rectification.models import Case
from registry.models import StaffProfile
from registry.permissions import role_groups, scope_to_user

CASE_JURISDICTION_PATH = "enterprise__jurisdiction__path"
STAFF_ROLES = frozenset(roles.ALL)


def user_roles(user: User | AnonymousUser) -> frozenset[str]:
    """The user's role groups (case_for_user gives a superuser every action on its own)."""
    return role_groups(user)


def user_department_id(user: User | AnonymousUser) -> int | None:
    if not user.is_authenticated:
        return None
    return StaffProfile.objects.filter(user=user).values_list("department_id", flat=True).first()


def may_use_cases(user: User | AnonymousUser) -> bool:
    """Whether the case pages are for this user at all."""
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user)))


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    """The cases a user may see: their department's for a liaison, their area's otherwise."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    held = user_roles(user)
    if not held:
        return Case.objects.none()
    if held == {roles.LIAISON}:
        department_id = user_department_id(user)
        if department_id is None:
            return Case.objects.none()
        return Case.objects.filter(department_id=department_id)
    return scope_to_user(Case.objects.all(), user, CASE_JURISDICTION_PATH)


@dataclass(frozen=True)
class CaseActions:
    """What a user may do with one case."""

    record_progress: bool = False
    record_application: bool = False
    reinspect: bool = False
    extend_deadline: bool = False
    supervise: bool = False
    issue_letter: bool = False

    @property
    def any(self) -> bool:
        return any(vars(self).values())


def case_actions(
    case: Case, user: User | AnonymousUser, today: datetime.date | None = None
) -> CaseActions:
    """The actions a user who can see ``case`` may take on it now."""
    if case.status not in CaseStatus.active():
        return CaseActions()
    held = user_roles(user)
    superuser = user.is_authenticated and user.is_superuser

    def has(role: str) -> bool:
        return superuser or role in held

    liaison_here = has(roles.LIAISON) and (
        superuser or user_department_id(user) == case.department_id
    )
    overdue_or_escalated = case.is_overdue(today or timezone.localdate()) or (
        case.escalated_at is not None
    )
    return CaseActions(
        record_progress=liaison_here,
        record_application=liaison_here and case.status == CaseStatus.OPEN,
        reinspect=has(roles.INSPECTOR),
        extend_deadline=has(roles.OFFICIAL),
        supervise=has(roles.SUPERVISOR) and overdue_or_escalated,
        # The letter is the follow-up's first step: whoever follows the case up may print it.
        issue_letter=liaison_here or has(roles.INSPECTOR),
    )


def case_for_user(
    user: User | AnonymousUser, pk: int, queryset: QuerySet[Case] | None = None
) -> tuple[Case, CaseActions]:
    """The case with what the user may do with it; 404 when it is not theirs to see, so
    others' cases are not even confirmed to exist."""
    base = queryset if queryset is not None else Case.objects.all()
    visible = cases_visible_to(user).values("pk")
    case = base.filter(pk=pk, pk__in=visible).first()
    if case is None:
        raise Http404("No such case")
    return case, case_actions(case, user)
