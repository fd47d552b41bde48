"""What every staff page shares: who may enter the staff area, pages of a list."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# The apps whose permissions make someone a member of staff (a role group holds some).
STAFF_APPS = ("registry", "rectification", "publicity")


def is_staff_member(user: User | AnonymousUser) -> bool:
    """Whether the user may enter the staff area: an active user holding any permission of
    the domain apps (through a role group), or a superuser. Read from the permissions the
    groups hold, so an administrator who empties a group closes the staff area to it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(perm.split(".", 1)[0] in STAFF_APPS for perm in user.get_all_permissions())


def staff_view(
    *perms: str,
) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """A view of the staff area: anonymous visitors go to the login page; signed-in people
    who are not staff, or lack any of ``perms``, get 403. What they may do with a record is
    the record's own rights (each app's ``<model>_for_user``)."""

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


def page_of(request: HttpRequest, queryset: QuerySet[Any], size: int) -> Page:
    """The page of ``queryset`` the query string asks for (the last for a number too high)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for the pagination links to keep."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
