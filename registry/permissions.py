"""Who may see what, by jurisdiction: the one place that scopes staff to their area.

City-level staff (a StaffProfile on the city) see the whole city; district staff see their
district and everything under it. Staff without a profile see nothing but what their
role's global permissions allow (superusers see everything).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from core import roles
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


# --- The staff area ---------------------------------------------------------------------------
# What each view needs is a Django permission held through the role groups (migration
# publicity/0002_roles); what each record needs on top is to lie in the user's jurisdiction.


def is_staff_member(user: User | AnonymousUser) -> bool:
    """Whether the user may enter the staff area: a superuser or a member of a role group."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=roles.ALL).exists()


def role_groups(user: User | AnonymousUser) -> frozenset[str]:
    """The role groups (config/roles.py) the user is in, read once per user object (request)."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_role_groups", None)
    if cached is None:
        cached = frozenset(user.groups.filter(name__in=roles.ALL).values_list("name", flat=True))
        user._role_groups = cached  # type: ignore[union-attr,attr-defined]
    return cached


def user_roles(user: User | AnonymousUser) -> set[str]:
    """The roles the user acts in: their role groups, and every role for a superuser."""
    if not user.is_authenticated:
        return set()
    names = set(role_groups(user))
    if user.is_superuser:
        names |= set(roles.ALL)
    return names


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


def staff_required(
    *perms: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A view of the staff area: anonymous visitors go to the login page; signed-in people
    without a role, or without every one of ``perms``, get 403."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_staff_member(request.user) or not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
