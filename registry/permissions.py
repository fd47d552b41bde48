"""Who may see what, by jurisdiction: the one place that scopes staff to their area.

City-level staff (a StaffProfile on the city) see the whole city; district staff see their
district and everything under it. Staff without a profile see nothing but what their
role's global permissions allow (superusers see everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from registry.enums import JurisdictionLevel
from registry.models import Jurisdiction, StaffProfile

M = TypeVar("M", bound=Model)


def user_jurisdiction(user: User | AnonymousUser) -> Jurisdiction | None:
    """The jurisdiction a staff member works in, or None if they have none."""
    if not user.is_authenticated:
        return None
    # Read once per user object (a request): rights of every row of a page ask it.
    if hasattr(user, "_jurisdiction"):
        cached: Jurisdiction | None = user._jurisdiction
        return cached
    profile = StaffProfile.objects.select_related("jurisdiction").filter(user=user).first()
    jurisdiction = profile.jurisdiction if profile is not None else None
    user._jurisdiction = jurisdiction  # type: ignore[attr-defined]
    return jurisdiction


def is_city_wide(user: User | AnonymousUser) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    jurisdiction = user_jurisdiction(user)
    return jurisdiction is not None and jurisdiction.level == JurisdictionLevel.CITY


def scope_to_user(
    queryset: QuerySet[M], user: User | AnonymousUser, path_field: str
) -> QuerySet[M]:
    """Keep the rows whose jurisdiction lies in the user's area.

    ``path_field`` is the lookup of the row's Jurisdiction path, e.g. ``"jurisdiction__path"``
    for an enterprise or ``"enterprise__jurisdiction__path"`` for a case: one indexed prefix
    match (``Jurisdiction.path``), however deep the tree.
    """
    if user.is_authenticated and user.is_superuser:
        return queryset
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return queryset.none()
    return queryset.filter(**{f"{path_field}__startswith": jurisdiction.path})


def object_for_user(
    queryset: QuerySet[M], user: User | AnonymousUser, path_field: str, pk: int
) -> M:
    """One row the user may see, or Http404 for a row that is missing or outside their area.

    Another district's record answers 404, not 403, so its existence is not revealed.
    """
    try:
        return scope_to_user(queryset, user, path_field).get(pk=pk)
    except ObjectDoesNotExist as missing:
        raise Http404 from missing


def in_user_scope(jurisdiction: Jurisdiction, user: User | AnonymousUser) -> bool:
    """Whether one jurisdiction (of a record) lies in the user's area."""
    if user.is_authenticated and user.is_superuser:
        return True
    own = user_jurisdiction(user)
    return own is not None and jurisdiction.path.startswith(own.path)


@dataclass(frozen=True)
class RecordRights:
    """What a user may do with one record of the back office (its permissions; the record is
    in the user's area, or the helper that returned it would have answered 404)."""

    change: bool
    view_inspections: bool
    add_inspection: bool
    view_accidents: bool
    add_accident: bool


def record_rights(user: User | AnonymousUser, model_name: str) -> RecordRights:
    return RecordRights(
        change=user.has_perm(f"registry.change_{model_name}")
        and (model_name != "inspection" or user.has_perm("registry.change_finding")),
        view_inspections=user.has_perm("registry.view_inspection"),
        add_inspection=user.has_perms(["registry.add_inspection", "registry.add_finding"]),
        view_accidents=user.has_perm("registry.view_accident"),
        add_accident=user.has_perm("registry.add_accident"),
    )
