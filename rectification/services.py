"""Writes of the rectification app. Every change to a case goes through here."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from rectification.enums import CaseGoal, CaseStatus, EventKind
from rectification.models import Case, Event
from registry.enums import Disposition
from registry.models import Department, Enterprise, Finding


def case_goal_for(disposition: str) -> CaseGoal:
    """取缔 and 关闭 are followed by verifying the unit stays shut; the others by rectification."""
    if disposition in Disposition.ending_operation():
        return CaseGoal.VERIFY_CLOSURE
    return CaseGoal.RECTIFY


@transaction.atomic
def case_open(
    *,
    enterprise: Enterprise,
    findings: Iterable[Finding],
    disposition: str,
    deadline: datetime.date,
    department: Department,
    responsible_person: str,
    opened_on: datetime.date,
    actor: User | None,
) -> Case:
    """Open the rectification case of one exposed unit (called when a batch is published).

    Side effects: the case row, its findings, and an "opened" event visible to the public.
    """
    case = Case.objects.create(
        enterprise=enterprise,
        disposition=disposition,
        goal=case_goal_for(disposition),
        status=CaseStatus.OPEN,
        deadline=max(deadline, opened_on),
        department=department,
        responsible_person=responsible_person,
        opened_on=opened_on,
    )
    case.findings.set(list(findings))
    Event.objects.create(
        case=case,
        kind=EventKind.OPENED,
        actor=actor,
        to_status=CaseStatus.OPEN,
        new_deadline=case.deadline,
        is_public=True,
    )
    return case
