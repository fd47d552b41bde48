"""Who may see what, by jurisdiction: the one place that scopes staff to their area.

City-level staff (a StaffProfile on the city) see the whole city; district staff see their
district and everything under it. Staff without a profile see nothing but what their
role's global permissions allow (superusers see everything).
"""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model, QuerySet

from registry.enums import JurisdictionLevel
from registry.models import Jurisdiction, StaffProfile

M = TypeVar("M", bound=Model)


def user_jurisdiction(user: User | AnonymousUser) -> Jurisdiction | None:
    """The jurisdiction a staff member works in, or None if they have none."""
    if not user.is_authenticated:
        return None
    try:
        profile = StaffProfile.objects.select_related("jurisdiction").get(user=user)
    except StaffProfile.DoesNotExist:
        return None
    return profile.jurisdiction


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


def in_user_scope(jurisdiction: Jurisdiction, user: User | AnonymousUser) -> bool:
    """Whether one jurisdiction (of a record) lies in the user's area."""
    if user.is_authenticated and user.is_superuser:
        return True
    own = user_jurisdiction(user)
    return own is not None and jurisdiction.path.startswith(own.path)
