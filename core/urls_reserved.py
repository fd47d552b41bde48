"""The first path segments the site's own URLs use (``entries``, ``staff``, ``admin``, ...), read
from the root URLconf: an authority's site path (``Authority.site_slug``) must be none of them,
or /<slug>/ would hide a page of the root site."""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver


def _first_segments(patterns: list[URLPattern | URLResolver]) -> set[str]:
    found: set[str] = set()
    for pattern in patterns:
        route = str(pattern.pattern).lstrip("^")
        head = route.split("/", 1)[0]
        if head:
            # "feed.atom", "favicon.ico", "healthz": the segment as a visitor types it.
            found.add(head.split("<", 1)[0] or head)
        elif isinstance(pattern, URLResolver):
            found |= _first_segments(pattern.url_patterns)
    return found


@functools.cache
def reserved_first_segments() -> frozenset[str]:
    """Every first segment of the root URLconf's routes, with the static and media roots."""
    extra = {
        url.strip("/").split("/", 1)[0]
        for url in (settings.STATIC_URL, settings.MEDIA_URL)
        if url and url.strip("/")
    }
    return frozenset(_first_segments(get_resolver().url_patterns) | extra)
