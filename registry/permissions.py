"""Who may see what, by jurisdiction: the one place that scopes staff to their area.

Every member of staff works in a jurisdiction (their StaffProfile) and for one authority:
the nearest authority at or above it (registry.authorities). Staff see their jurisdiction
and everything under it: a province's staff every city, a city's its whole city, a
district's its district, each an indexed prefix match on ``Jurisdiction.path`` (the area's
jurisdictions, then a row's own jurisdiction key among them as an index condition,
:func:`scope_to_user`); the cities of a province are apart because their paths are. What
belongs to an authority rather than to a place (a batch) is acted on by that authority's own
staff only (:func:`works_for`); the province above reads it and acts on nothing. Staff
without a profile see nothing but what their role's global permissions allow (superusers see
everything).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.sql import AnyOf
from registry.authorities import (
    AuthorityRules,
    authorities,
    authority_at,
    deployment_authority,
)
from registry.enums import JurisdictionLevel
from registry.models import Enterprise, Inspection, Jurisdiction, StaffProfile

M = TypeVar("M", bound=Model)


def _staff_profile(user: User | AnonymousUser) -> StaffProfile | None:
    # Read once per user object (a request): rights of every row of a page ask it, and the
    # page's header asks the user's authority.
    if not user.is_authenticated:
        return None
    if hasattr(user, "_staff_profile"):
        cached: StaffProfile | None = user._staff_profile
        return cached
    profile = StaffProfile.objects.select_related("jurisdiction").filter(user=user).first()
    user._staff_profile = profile  # type: ignore[union-attr,attr-defined]
    return profile


def user_jurisdiction(user: User | AnonymousUser) -> Jurisdiction | None:
    """The jurisdiction a staff member works in, or None if they have none."""
    profile = _staff_profile(user)
    return profile.jurisdiction if profile is not None else None


def user_department_id(user: User | AnonymousUser) -> int | None:
    """The department a staff member (a department's liaison) works for, or None."""
    profile = _staff_profile(user)
    return profile.department_id if profile is not None else None


def user_authority(user: User | AnonymousUser) -> AuthorityRules:
    """The authority a member of staff works for: the nearest at or above their
    jurisdiction; the deployment's top authority for one without a jurisdiction (a
    superuser)."""
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return deployment_authority()
    return authority_at(jurisdiction.path)


def is_authority_wide(user: User | AnonymousUser) -> bool:
    """Whether the user works at their authority's own level (a city's staff, a province's),
    not in one district of it. Superusers count as such."""
    if user.is_authenticated and user.is_superuser:
        return True
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return False
    authority = user_authority(user)
    if authority.pk is None:  # no authority at all: the tree's root speaks for it
        return jurisdiction.parent_id is None
    return authority.path == jurisdiction.path


def authorities_in_scope(user: User | AnonymousUser) -> list[int]:
    """The ids of the authorities at or below the user's jurisdiction: whose batches a member
    of staff at their authority's level reads (a city's own; a province's, every city's)."""
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return []
    return [
        rules.pk
        for rules in authorities()
        if rules.pk is not None and rules.path.startswith(jurisdiction.path)
    ]


def works_in_authority_of(user: User | AnonymousUser, place: Callable[[], Jurisdiction]) -> bool:
    """Whether the user is staff of the authority a place belongs to (its city's): what that
    authority decides about a record there (a case's re-inspection, its deadline) is its own
    staff's; the province's read it and supervise. ``place`` is asked only when there is
    more than one authority (in a one-city deployment every member of staff is the city's)."""
    if user.is_authenticated and len(authorities()) <= 1:
        return True
    return works_for(user, authority_at(place().path).pk)


def reads_several_authorities(user: User | AnonymousUser) -> bool:
    """Whether the user's lists may hold more than one authority's records (a province's
    staff, a superuser of a province): then the pages name each record's authority."""
    if user.is_authenticated and user.is_superuser:
        return len(authorities()) > 1
    return len(authorities_in_scope(user)) > 1


def works_for(user: User | AnonymousUser, authority_pk: int | None) -> bool:
    """Whether the user is staff of the authority with this id, and so may act on what it
    owns (its batches). Staff of the province above a city read the city's and act on none;
    staff without a jurisdiction act for the deployment's top authority (``user_authority``).
    Superusers act for every authority."""
    if user.is_authenticated and user.is_superuser:
        return True
    return user.is_authenticated and user_authority(user).pk == authority_pk


def _area(jurisdiction: Jurisdiction) -> QuerySet[Jurisdiction, Any]:
    """The ids of a jurisdiction and of everything under it (a subquery)."""
    return Jurisdiction.objects.filter(path__startswith=jurisdiction.path).values("pk")


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
    column = path_field.removesuffix("__path")
    if column == path_field or "__" in column:  # a jurisdiction itself, or a related row's
        return queryset.filter(**{f"{path_field}__startswith": jurisdiction.path})
    # The row's own jurisdiction: an index condition on its key (core.sql.AnyOf), so a
    # partial index by place (a queue's) is read for the area's places only. Tested on each
    # row's joined path, the province's rows were read and the other cities' dropped (a
    # city's undeliverable queue: 100,000 read for its 4,800). The root of the only tree
    # sees every row: no condition.
    if sees_whole_tree(user):
        return queryset
    area = _area(jurisdiction)
    return queryset.filter(AnyOf(f"{column}_id", area))


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


def sees_whole_tree(user: User | AnonymousUser) -> bool:
    """Whether the user's register is the whole of it: a superuser's, or that of staff at
    the root of the only administrative tree (a province's staff; in a one-city deployment,
    the city's). Their list is the register in name order; anyone else's is a part of it."""
    if user.is_authenticated and user.is_superuser:
        return True
    if hasattr(user, "_whole_tree"):  # asked once a request (a user object)
        return bool(user._whole_tree)
    jurisdiction = user_jurisdiction(user)
    whole = (
        jurisdiction is not None
        and jurisdiction.parent_id is None
        and not Jurisdiction.objects.filter(parent=None).exclude(pk=jurisdiction.pk).exists()
    )
    user._whole_tree = whole  # type: ignore[union-attr]
    return whole


def scope_enterprises_to_user(
    queryset: QuerySet[Enterprise], user: User | AnonymousUser
) -> QuerySet[Enterprise]:
    """Keep the units of the register the user sees: those registered in their area, and
    those inspected in it (the register is the province's, one row per unit; a unit
    registered in one city and inspected in another is seen by both, each with its own
    records only, :func:`registry.selectors.enterprise_related`). Every other record of a
    unit (finding, entry, case) flows from an inspection, so "a record of the unit in the
    user's area" is "an inspection that took place there".

    Both halves are index conditions (:class:`core.sql.AnyOf`), so the part is read as the
    union of two bitmaps: the jurisdiction index's (registered in the area) and the key's of
    the units inspected there away from their registered place (``Inspection.away``, a
    partial index: an inspection made at the unit's own place is counted by the first
    half). A name search is then one more bitmap ANDed to them. Sort the part with
    :class:`core.sql.Unindexed` names: walking the name index past the rest of the province
    read nearly the whole register for a city whose names sort late (600 ms a page)."""
    if sees_whole_tree(user):
        return queryset
    jurisdiction = user_jurisdiction(user)
    if jurisdiction is None:
        return queryset.none()
    area = _area(jurisdiction)
    visited = Inspection.objects.filter(AnyOf("place_id", area), away=True).values("enterprise_id")
    return queryset.filter(Q(AnyOf("jurisdiction_id", area)) | Q(AnyOf("pk", visited)))


def in_user_scope(jurisdiction: Jurisdiction, user: User | AnonymousUser) -> bool:
    """Whether one jurisdiction (of a record) lies in the user's area."""
    if user.is_authenticated and user.is_superuser:
        return True
    own = user_jurisdiction(user)
    return own is not None and jurisdiction.path.startswith(own.path)


def inspection_place_problem(*, place: Jurisdiction, actor: User | AnonymousUser) -> str | None:
    """Why an inspection cannot be recorded as made at ``place``, or None: a place is a
    district or a township, as a unit's own jurisdiction is, and one in the inspector's own
    area (a city's inspectors any district of their city). The form asks this too."""
    if place.level in (JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY):
        return _("检查地点请选择县区或乡镇街道。")
    if not in_user_scope(place, actor):
        return _("“%(place)s”不在您的辖区内，不能登记在那里进行的检查。") % {
            "place": place.display_name
        }
    return None


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
