"""Whole public pages cached as the bytes sent, served before sessions, CSRF and the view.

The public pages (the list with its query string, entry pages, batch pages, statistics, the
home page) show the same to every visitor who is not signed in. For such a visitor the
middleware below answers a page it has seen under the current public-cache version
(``publicity.cache``: bumped on publication, erratum, removal and case change) with one
Redis round trip and no database query; otherwise it lets the request through and keeps
the rendered response if it is safe to share.

What keeps a page private:
- only views marked ``@public_page`` (never a form that posts, staff, unit, admin or API);
- a request carrying a session or messages cookie is neither served from nor stored in the
  cache: the header of a signed-in person shows their name, the staff navigation and a
  logout form with a CSRF token, and a pending message belongs to one visitor;
- a response is stored only when it is a 200 for a GET by an anonymous user that sets no
  cookie, rendered no CSRF token and is not marked private.

The key is the language, the path and the page's own parameters (empty and unknown ones
dropped, sorted): the request is rewritten to exactly those before the view runs, so what
a page shows — links, the language switch's return address — depends only on its key, and
junk in a query string makes neither another key nor a different page. A page without a
query (the list's first page, an entry, the home page, statistics) is always stored; of the
pages with one, at most ``PUBLIC_PAGE_CACHE_MAX_QUERIES`` are stored per path, cache version
and kind (searches, further pages of the plain list, other filters: ``budget``), since search
texts, cursors and combinations of filters are unbounded: a thousand distinct searches stop
only searches from being stored. Each is kept for ``PUBLIC_CACHE_TTL_SECONDS``.

Headers added by the middleware outside this one (Content-Language and Vary by the locale,
the security headers and CSP) are added to a cached page as to a fresh one; the rest are
stored with the page. When Redis is unreachable every request is a miss (core.cache).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.urls import Resolver404, ResolverMatch, resolve

from public.selectors import PUBLIC_CACHE_TTL_SECONDS
from publicity.cache import CACHE_VERSION_KEY, public_cache_version

_View = TypeVar("_View", bound=Callable[..., Any])


def public_page(
    *, params: Iterable[str] = (), paging: Iterable[str] = (), search: Iterable[str] = ()
) -> Callable[[_View], _View]:
    """Mark a view as a public page whose response may be shared by every anonymous
    visitor; ``params`` are the query parameters it reads (the rest are dropped).

    Of those, ``paging`` (pages, order, scope) and ``search`` (free text) give a page its
    budget of stored variants (``budget``): pages that only page through the plain list
    are not crowded out by searches or by combinations of filters.
    """

    def mark(view: _View) -> _View:
        view.public_page_params = frozenset(params)  # type: ignore[attr-defined]
        view.public_page_paging = frozenset(paging)  # type: ignore[attr-defined]
        view.public_page_search = frozenset(search)  # type: ignore[attr-defined]
        return view

    return mark


def budget(view: Callable[..., Any], query: QueryDict) -> str | None:
    """Which budget of stored pages a page's (canonical) query draws on, per path and cache
    version: none for the page without a query (the plain list's first page, an entry, the
    home page, statistics: always stored), "search" for free text, "paging" for the plain
    list's further pages, orders and scopes, "filters" for the rest.

    Search texts, cursors and combinations of filters are unbounded, so each of those kinds
    stops being stored at ``PUBLIC_PAGE_CACHE_MAX_QUERIES`` on its own, and none of them
    can stop the others, or the pages without a query, from being stored.
    """
    if not query:
        return None
    names = set(query)
    if names & getattr(view, "public_page_search", frozenset()):
        return "search"
    if names <= getattr(view, "public_page_paging", frozenset()):
        return "paging"
    return "filters"


def canonical_query(query: QueryDict, params: frozenset[str]) -> str:
    """The page's own parameters of ``query``, sorted by name, without empty values."""
    return urlencode(
        [
            (name, value)
            for name in sorted(name for name in query if name in params)
            for value in query.getlist(name)
            if value
        ]
    )


def page_key(language: str, path: str, query: str) -> str:
    digest = hashlib.sha256(query.encode("utf-8")).hexdigest()[:32] if query else "-"
    return f"public-page:{language}:{path}:{digest}"


def _encode(version: str, response: HttpResponse) -> bytes:
    head = {"v": version, "h": list(response.items())}
    return json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + response.content


def _decode(stored: bytes) -> tuple[str, HttpResponse]:
    head_line, body = stored.split(b"\n", 1)
    head = json.loads(head_line)
    response = HttpResponse(body)
    for name, value in head["h"]:
        response.headers[name] = value
    return head["v"], response


def _shareable_request(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def _shareable_response(request: HttpRequest, response: HttpResponseBase) -> bool:
    user = getattr(request, "user", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and isinstance(response, HttpResponse)  # not streamed, not a file
        and not response.cookies
        # get_token() was called: the page holds a CSRF token of this visitor's.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (user is not None and user.is_authenticated)
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def page_match(path: str) -> ResolverMatch | None:
    """The view ``path`` resolves to, directly or, on a city's site (/huizhou/entries/:
    public.sites, which runs after this middleware), without its first segment; None if
    neither resolves. A first segment that is no site's makes a page that is no 200, which
    is never stored."""
    try:
        return resolve(path)
    except Resolver404:
        pass
    _head, slash, rest = path.lstrip("/").partition("/")
    if not slash:
        return None
    try:
        return resolve("/" + rest)
    except Resolver404:
        return None


class PublicPageCacheMiddleware:
    """Answers a cached public page before sessions, CSRF, authentication and the view.

    Goes right after the locale middleware (the language is part of the key) and before
    the sites' and the session middleware (docs/architecture.md, "The public site"); the key
    holds the whole path, a city's site's path included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        match = page_match(request.path_info)
        if match is None:
            return self.get_response(request)
        params = getattr(match.func, "public_page_params", None)
        if params is None:
            return self.get_response(request)
        query = canonical_query(request.GET, params)
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query
        if not settings.PUBLIC_PAGE_CACHE or not _shareable_request(request):
            return self.get_response(request)
        # ALLOWED_HOSTS, which the common middleware checks on the way to a view.
        request.get_host()
        key = page_key(request.LANGUAGE_CODE, request.path, query)
        version, stored = cache.get_value_and_bytes(CACHE_VERSION_KEY, key)  # type: ignore[attr-defined]
        if stored is not None:
            stored_version, page = _decode(stored)
            if stored_version == version:
                return page
        if version is None:
            # No version yet (a fresh cache) or Redis unreachable: this one sets it, or
            # answers "0", which is never stored (the writes are dropped).
            version = public_cache_version()
        response = self.get_response(request)
        if _shareable_response(request, response):
            assert isinstance(response, HttpResponse)  # noqa: S101 - checked just above
            kind = budget(match.func, request.GET)
            cache.set_bytes_bounded(  # type: ignore[attr-defined]
                key,
                _encode(str(version), response),
                PUBLIC_CACHE_TTL_SECONDS,
                counter_key=(
                    None if kind is None else f"public-page-count:{version}:{request.path}:{kind}"
                ),
                bound=settings.PUBLIC_PAGE_CACHE_MAX_QUERIES,
            )
        return response
