"""Who may see and act on a rectification case: the one place that decides it.

What a person may do is a Django permission their role groups hold (migration
``publicity/0006_workflow_permissions``), read through the CASE table
(``rectification.workflows``); what they may see is scoped here:

* ``rectification.view_area_cases`` (inspectors, officials, administrators): the cases in
  their jurisdiction;
* ``rectification.view_overdue_cases`` (supervisors): the overdue or escalated cases in
  their jurisdiction;
* otherwise, with ``rectification.view_case`` and a department on their profile
  (department liaisons): their department's cases;
* superusers: every case.

Views ask :func:`case_for_user`, which returns the case together with the user's rights.
The unit's replies (``Reply``) follow their case: whoever sees the case, and holds
``rectification.moderate_reply``, moderates its replies (:func:`reply_for_user`).
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.workflow import Rights
from rectification.models import Case, Reply
from rectification.reply_workflow import REPLY
from rectification.workflows import CASE, department_of
from registry.permissions import scope_to_user

# Where a case lies: the place its findings were found (``Case.place``, copied when it
# opened), not where its unit is registered: one indexed column, no join through the unit.
CASE_JURISDICTION_PATH = "place__path"

# The moves a member of staff may be offered on the case page.
STAFF_MOVES = (
    "progress",
    "apply",
    "pass",
    "verify_closure",
    "fail",
    "extend",
    "supervise",
    "issue_letter",
    "update_contact",
)


def cases_visible_to(
    user: User | AnonymousUser, today: datetime.date | None = None
) -> QuerySet[Case]:
    """The cases a user may see (see the module's docstring)."""
    if not user.is_authenticated or not user.has_perm("rectification.view_case"):
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    if user.has_perm("rectification.view_area_cases"):
        return scope_to_user(Case.objects.all(), user, CASE_JURISDICTION_PATH)
    if user.has_perm("rectification.view_overdue_cases"):
        today = today or timezone.localdate()
        return scope_to_user(
            Case.objects.active().filter(Q(deadline__lt=today) | Q(escalated_at__isnull=False)),
            user,
            CASE_JURISDICTION_PATH,
        )
    department_id = department_of(user)
    if department_id is None:
        return Case.objects.none()
    return Case.objects.filter(department_id=department_id)


def case_rights(
    case: Case, user: User | AnonymousUser, today: datetime.date | None = None
) -> Rights:
    """What a user who can see ``case`` may do with it now (the CASE table's moves)."""
    return CASE.rights(case, user, today=today, moves=STAFF_MOVES)


def case_for_user(
    user: User | AnonymousUser, pk: int, queryset: QuerySet[Case] | None = None
) -> tuple[Case, Rights]:
    """The case with what the user may do with it; 404 when it is not theirs to see, so
    others' cases are not even confirmed to exist."""
    base = queryset if queryset is not None else Case.objects.all()
    visible = cases_visible_to(user).values("pk")
    case = base.filter(pk=pk, pk__in=visible).first()
    if case is None:
        raise Http404("No such case")
    return case, case_rights(case, user)


def replies_visible_to(user: User | AnonymousUser) -> QuerySet[Reply]:
    """The replies of the cases a user may see (their case's scope decides)."""
    return Reply.objects.filter(case__in=cases_visible_to(user).values("pk"))


def reply_for_user(
    user: User | AnonymousUser, pk: int, queryset: QuerySet[Reply] | None = None
) -> tuple[Reply, Rights]:
    """The reply with what the user may do with it (the REPLY table's moves); 404 when its
    case is not theirs to see."""
    base = queryset if queryset is not None else Reply.objects.all()
    reply = base.filter(pk=pk, pk__in=replies_visible_to(user).values("pk")).first()
    if reply is None:
        raise Http404("No such reply")
    return reply, REPLY.rights(reply, user, moves=("publish", "refuse"))
