"""Each authority's public site: the root for the deployment's top authority (a province, or a
city installed alone), /<slug>/ for every authority with a site path (``Authority.site_slug``).

One set of public URLs serves them all. The middleware below reads the first segment of the
path: for a city's site it takes ``/huizhou`` off the path the views resolve and makes it the
script prefix, so every ``reverse()`` and ``{% url %}`` of the page (its links, forms, feed and
API addresses) stays on that site without any view or template knowing; and it makes the site
the current one (:func:`current`) for the request, which the public selectors read to show
only that city's entries, batches, figures and map, and which every cached object's and page's
key holds (the page cache keys by the full path; ``public.selectors.public_cache_key`` by the
site). A background export carries its site (``public.export_jobs``).

What the root does:
- a province's root is the province's site: every city's entries, the province's map and a
  table of its cities; an entry's, a batch's or a notice's page there redirects to the page on
  its own city's site (where its links and map are its city's);
- a city installed alone whose authority has a site path (a one-city database after migration
  registry/0014) redirects each of its public pages at the root to the same page under its
  path: addresses printed before (notices' QR codes, links in letters) keep working;
- a root without any site path (a test database, a city made by hand) is the whole site.

A city's site is reached by its path or its jurisdiction's code (/441300/ redirects to
/huizhou/). Staff, unit, admin and API-of-staff pages are the root's: a GET for one of them
under a city's path redirects to the root; other methods are served as they are (the language
switch posts from any page).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import (
    Resolver404,
    ResolverMatch,
    get_script_prefix,
    resolve,
    reverse,
    set_script_prefix,
)
from django.utils.encoding import iri_to_uri

from registry.authorities import (
    AuthorityRules,
    authorities,
    authority_changed,
    authority_rules,
    deployment_authority,
    site_authority_at,
)
from registry.models import Jurisdiction

# The URL namespaces and names that make up a site's public pages.
PUBLIC_NAMESPACES = frozenset({"public", "submissions"})
PUBLIC_NAMES = frozenset({"home"})
# Of the submissions' URLs, the staff's triage is the root's.
STAFF_PREFIX = "staff/"


@dataclass(frozen=True)
class Site:
    """One authority's public site: its authority's rules and the path it is served under."""

    # "" for the root, "/huizhou" for a city's site (no trailing slash).
    prefix: str
    # Whether the site is the whole deployment's (the root: every city's records).
    whole: bool
    # A city's authority's rules; None for the root, read when asked (a job or a selector
    # outside a request reads no rule it does not need).
    city_rules: AuthorityRules | None = None

    @property
    def rules(self) -> AuthorityRules:
        """The site's authority's rules: the city's, or the deployment's top authority's."""
        return self.city_rules if self.city_rules is not None else deployment_authority()

    @property
    def key(self) -> str:
        """What tells this site's cached objects from another's."""
        return "root" if self.whole else self.rules.slug

    @property
    def is_province(self) -> bool:
        """The root of a deployment whose top authority stands above cities of its own."""
        return self.whole and any(
            rules.slug and rules.pk != self.rules.pk for rules in authorities()
        )

    def district_ids(self) -> list[int] | None:
        """The ids of the jurisdictions in the site's area, for its records' filters; None for
        the whole deployment (no filter). Kept in the cache until an authority or a
        jurisdiction changes."""
        if self.whole:
            return None
        return jurisdiction_ids_under(self.rules.path)

    def authority_ids(self) -> list[int] | None:
        """The ids of the authorities whose batches the site shows (its own and those below
        it: a county's); None for the whole deployment."""
        if self.whole:
            return None
        return [
            rules.pk
            for rules in authorities()
            if rules.pk is not None and rules.path.startswith(self.rules.path)
        ]


def jurisdiction_ids_under(path: str) -> list[int]:
    """The ids of the jurisdiction at ``path`` and every one below it (cached)."""
    key = f"public:site-jurisdictions:v1:{path}"
    ids: list[int] | None = cache.get(key)
    if ids is None:
        ids = sorted(
            Jurisdiction.objects.filter(path__startswith=path).values_list("pk", flat=True)
        )
        cache.set(key, ids, 24 * 3600)
    return ids


def _forget_jurisdictions(**kwargs: Any) -> None:
    for rules in authorities():
        cache.delete(f"public:site-jurisdictions:v1:{rules.path}")


authority_changed.connect(_forget_jurisdictions, dispatch_uid="public-site-jurisdictions")


def root_site() -> Site:
    return Site(prefix="", whole=True)


def city_site(rules: AuthorityRules) -> Site:
    return Site(prefix=f"/{rules.slug}", whole=False, city_rules=rules)


def site_by_segment(segment: str) -> tuple[Site, bool] | None:
    """The site whose path (or jurisdiction code) is ``segment``, and whether it was its code
    (to be redirected to its path); None if no site has it."""
    for rules in authorities():
        if not rules.slug:
            continue
        if segment == rules.slug:
            return city_site(rules), False
        if rules.path.rstrip("/").rsplit("/", 1)[-1] == segment:
            return city_site(rules), True
    return None


def site_for_slug(slug: str) -> Site:
    """The site with path ``slug`` (a background job's), the root for "" or one gone."""
    found = site_by_segment(slug) if slug else None
    return found[0] if found is not None else root_site()


def site_of_path(path: str) -> Site | None:
    """The city site a record at the jurisdiction ``path`` is shown on, or None when it has
    none (its authority and those above it have no site path)."""
    rules = site_authority_at(path)
    return city_site(rules) if rules is not None else None


def site_of_authority(pk: int | None) -> Site | None:
    """The city site of an authority's records (a batch's), or None without one."""
    if pk is None:
        return None
    rules = authority_rules(pk)
    return site_of_path(rules.path) if rules.pk is not None else None


def url_on(site: Site | None, viewname: str, args: list[Any]) -> str:
    """The address of a page (``viewname`` with ``args``) on ``site`` (None: the root's),
    whichever site the current request is on."""
    path = reverse(viewname, args=args)
    here = get_script_prefix()
    base = path[len(here) - 1 :] if path.startswith(here) else path
    return f"{site.prefix if site else ''}{base}"


_current: contextvars.ContextVar[Site | None] = contextvars.ContextVar("public_site", default=None)


def current() -> Site:
    """The site of this request (or job); the root outside one."""
    return _current.get() or root_site()


@contextmanager
def activated(site: Site) -> Iterator[Site]:
    """Make ``site`` the current one (and its path the script prefix) inside the block."""
    token = _current.set(site)
    old_prefix = get_script_prefix()
    if site.prefix:
        set_script_prefix(old_prefix.rstrip("/") + site.prefix + "/")
    try:
        yield site
    finally:
        set_script_prefix(old_prefix)
        _current.reset(token)


def is_public_route(path_info: str) -> bool:
    """Whether ``path_info`` is one of a site's public pages."""
    return _is_public(path_info, _root_match(path_info))


def _is_public(path_info: str, match: ResolverMatch | None) -> bool:
    """Whether ``path_info``, resolved to ``match``, is one of a site's public pages."""
    if match is None or path_info.startswith("/" + STAFF_PREFIX):
        return False
    return match.namespace in PUBLIC_NAMESPACES or match.url_name in PUBLIC_NAMES


def with_query(request: HttpRequest, path: str) -> str:
    """``path`` with the request's query string (a WSGI query string is its bytes read as
    Latin-1: read back as UTF-8, then quoted)."""
    raw = request.META.get("QUERY_STRING", "")
    try:
        query = raw.encode("iso-8859-1").decode("utf-8")
    except UnicodeError:
        query = raw
    return f"{path}?{iri_to_uri(query)}" if query else path


def _root_match(path: str) -> ResolverMatch | None:
    try:
        return resolve(path)
    except Resolver404:
        return None


def _redirect(request: HttpRequest, path: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(with_query(request, path))


class SiteMiddleware:
    """Serves each authority's site under its path (see the module's docstring). Goes before
    the public page cache, which resolves the path this one leaves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        path = request.path_info
        head, _slash, rest = path.lstrip("/").partition("/")
        # A path of the root's own (entries, staff, healthz, favicon.ico, ...) needs no look
        # at the authorities: the health checks and error pages work without a database.
        match = _root_match(path)
        maybe_site = bool(head) and match is None
        found = site_by_segment(head) if maybe_site and _slash else None
        if found is None:
            if maybe_site and not _slash and site_by_segment(head) is not None:
                return _redirect(request, f"{request.path}/")  # /huizhou -> /huizhou/
            site = root_site()
            get = request.method in ("GET", "HEAD")
            if get and _is_public(path, match) and site.rules.slug:
                # A city installed alone with a site path: its pages live under the path.
                return _redirect(request, f"{get_script_prefix()}{site.rules.slug}{path}")
            request.public_site = site  # type: ignore[attr-defined]
            with activated(site):
                return self.get_response(request)
        site, by_code = found
        inner = "/" + rest
        if by_code:
            return _redirect(request, f"{get_script_prefix()}{site.rules.slug}{inner}")
        if request.method in ("GET", "HEAD") and not is_public_route(inner):
            # A staff, unit or admin page (a link from a city's page): the root's.
            return _redirect(request, f"{get_script_prefix().rstrip('/')}{inner}")
        request.path_info = inner
        request.public_site = site  # type: ignore[attr-defined]
        with activated(site):
            return self.get_response(request)
