"""Reads of reports and consultations: the public tracker, the triage, the dashboard panel."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from publicity.enums import SubmissionStatus
from publicity.models import Submission
from registry.authorities import deployment_authority
from registry.models import AuditRecord, Jurisdiction
from registry.permissions import is_authority_wide, user_authority, user_jurisdiction
from registry.selectors import audit_history

# No 0/O, 1/I/L: a code read out over the phone is typed back right.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_GROUPS = 4
TRACKING_GROUP_LENGTH = 4  # 16 characters of a 31-letter alphabet: about 79 bits


def tracking_code_normalise(code: str) -> str:
    """What a person typed, as stored: upper case, groups of four joined by hyphens."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    if len(letters) != TRACKING_GROUPS * TRACKING_GROUP_LENGTH:
        return code.strip().upper()
    size = TRACKING_GROUP_LENGTH
    return "-".join(letters[i : i + size] for i in range(0, len(letters), size))


def submission_by_code(*, code: str) -> Submission | None:
    """A submission by its tracking code, for its public status page."""
    return (
        Submission.objects.only(
            "kind", "tracking_code", "subject", "status", "public_reply", "replied_at", "created_at"
        )
        .filter(tracking_code=tracking_code_normalise(code))
        .first()
    )


def area_at(*, path: str) -> Jurisdiction | None:
    """The jurisdiction at ``path`` (a city's, whose public site a report comes from)."""
    return Jurisdiction.objects.filter(path=path).first()


def submissions_for_staff(*, user: User | AnonymousUser) -> QuerySet[Submission]:
    """Submissions a staff member may triage: staff at their authority's level those of its
    area, district staff their district's. One with no district is the deployment's top
    authority's to route (the city's in a one-city deployment, else the province's)."""
    queryset = Submission.objects.select_related("district", "assigned_to")
    if user.is_authenticated and user.is_superuser:
        return queryset
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return queryset.none()
    in_area = Q(district__path__startswith=jurisdiction.path)
    if is_authority_wide(user) and user_authority(user).pk == deployment_authority().pk:
        in_area |= Q(district__isnull=True)
    return queryset.filter(in_area)


def submission_history(*, submission: Submission) -> list[AuditRecord]:
    """A submission's history for its staff page, newest first: each move (status old →
    new), each change of handler and each reply (old → new text), with who and when."""
    return audit_history(submission)


def submission_assignees() -> QuerySet[User]:
    """Active staff who may triage submissions (superusers included)."""
    return User.objects.with_perm("publicity.change_submission").order_by("username")


def dashboard_panel(*, user: User | AnonymousUser) -> dict[str, Any]:
    """The submissions panel of the staff dashboard: what waits for triage (one query).

    Empty for staff who may not triage submissions (no ``publicity.change_submission``).
    """
    if not user.has_perm("publicity.change_submission"):
        return {}
    open_statuses = [SubmissionStatus.RECEIVED, SubmissionStatus.IN_PROGRESS]
    counts = submissions_for_staff(user=user).aggregate(
        unassigned=Count("pk", filter=Q(status__in=open_statuses, assigned_to__isnull=True)),
        mine=Count("pk", filter=Q(status__in=open_statuses, assigned_to=user.pk)),
        open=Count("pk", filter=Q(status__in=open_statuses)),
    )
    base = reverse("submissions:triage-list")
    return {
        "title": str(_("举报咨询")),
        "queue_url": base,
        "items": [
            {
                "key": "unassigned",
                "label": str(_("件待分派")),
                "count": counts["unassigned"],
                "url": f"{base}?status={SubmissionStatus.RECEIVED}",
                "alert": counts["unassigned"] > 0,
            },
            {
                "key": "mine",
                "label": str(_("件分派给我、未答复")),
                "count": counts["mine"],
                "url": f"{base}?mine=on",
                "alert": False,
            },
            {
                "key": "open",
                "label": str(_("件未办结")),
                "count": counts["open"],
                "url": base,
                "alert": False,
            },
        ],
    }
