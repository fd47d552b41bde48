"""What every staff page shares: who may enter the staff area, pages of a list."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import cached_property, wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import EmptyResultSet, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, empty

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


def unwrapped_user(user: Any) -> Any:
    """The user behind the request's lazy wrappers (authentication's, then the second
    factor's), once they have been read: a staff page asks the user hundreds of times (a batch
    page's 300 rights decisions), and each attribute through a lazy proxy costs a call."""
    while isinstance(user, LazyObject) and user._wrapped is not empty:  # noqa: SLF001
        user = user._wrapped  # noqa: SLF001
    return user


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
            request.user = unwrapped_user(request.user)
            # A staff page: its header names the member of staff's own authority (the
            # context processor of registry), never a public page's cached one.
            request.staff_page = True  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def page_of(request: HttpRequest, queryset: QuerySet[Any], size: int) -> Page:
    """The page of ``queryset`` the query string asks for (the last for a number too high)."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


# The most rows a staff list or dashboard counts: beyond it a count says "more than 1,000"
# (counting the 300,000 open cases of a million on every view was most of a page's time; a
# count that stops reads at most this many rows from the queue's index).
COUNT_BOUND = 1000


def _bounded(queryset: QuerySet[Any], bound: int) -> QuerySet[Any]:
    # Only the ids, unordered, at most one more than the bound: the count needs no joins of
    # select_related, no annotations the filters do not use, and no sort.
    return queryset.order_by().values("pk")[: bound + 1]


def _bounded_sql(queryset: QuerySet[Any], bound: int) -> tuple[str, tuple[Any, ...]]:
    return _bounded(queryset, bound).query.sql_with_params()


def bounded_count(queryset: QuerySet[Any], bound: int = COUNT_BOUND) -> int:
    """How many rows ``queryset`` has, counted up to ``bound`` + 1 (one more than ``bound``
    means "more than ``bound``"): a count that stops early."""
    return _bounded(queryset, bound).count()


def bounded_counts(
    querysets: Mapping[str, QuerySet[Any]], bound: int = COUNT_BOUND
) -> dict[str, int]:
    """:func:`bounded_count` of each queryset, all in one query (a dashboard's counts)."""
    parts: list[str] = []
    params: list[Any] = []
    using = "default"
    for queryset in querysets.values():
        using = queryset.db
        try:
            sql, sql_params = _bounded_sql(queryset, bound)
        except EmptyResultSet:  # a queryset that can match nothing (.none())
            parts.append("0")
            continue
        # The ORM's own SQL of the queryset, its values passed apart as parameters.
        parts.append(f"(SELECT count(*) FROM ({sql}) AS bounded)")  # noqa: S608
        params.extend(sql_params)
    if not parts:
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {key: int(n) for key, n in zip(querysets, row, strict=True)}


class BoundedPaginator(Paginator):
    """Pages of a list whose count stops at ``bound`` + 1 rows (:func:`bounded_count`):
    ``more`` says there are more than ``bound``, and the pages end at the ``bound``-th row
    (a work queue is worked from its top; filters narrow it)."""

    def __init__(self, object_list: QuerySet[Any], per_page: int, bound: int = COUNT_BOUND) -> None:
        super().__init__(object_list, per_page)
        self.queryset = object_list
        self.bound = bound

    @cached_property
    def count(self) -> int:
        return bounded_count(self.queryset, self.bound)

    def page(self, number: Any) -> Page:
        """The page, its rows chosen by their ids first: past the first page, an OFFSET
        over the whole rows computed every annotation (the findings and entries counted for
        each row) of every row it skipped, 1,000 of them at the last page; the ids alone
        skip them from the sort's index, and only the page's rows are then read whole."""
        page = super().page(number)
        rows = page.object_list
        if isinstance(rows, QuerySet) and rows.query.low_mark:
            ids = list(rows.values_list("pk", flat=True))
            by_id = {row.pk: row for row in self.queryset.filter(pk__in=ids)}
            page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return page

    @property
    def more(self) -> bool:
        return self.count > self.bound

    @cached_property
    def num_pages(self) -> int:
        shown = min(self.count, self.bound)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return max(1, math.ceil(shown / self.per_page))


def bounded_page_of(
    request: HttpRequest, queryset: QuerySet[Any], size: int, bound: int = COUNT_BOUND
) -> Page:
    """:func:`page_of` with a count that stops at ``bound`` + 1 (:class:`BoundedPaginator`)."""
    return BoundedPaginator(queryset, size, bound).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for the pagination links to keep."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
