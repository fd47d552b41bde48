"""Template context of the public site: which authority's site a page is on (public.sites)."""

from __future__ import annotations

from django.http import HttpRequest

from public import sites


def public_site(request: HttpRequest) -> dict[str, object]:
    """``PUBLIC_SITE``: the page's site; ``PROVINCE_SITE``: on a city's site of a province's
    deployment, the province's (the header links it), else None."""
    site = getattr(request, "public_site", None)
    if site is None:
        return {"PUBLIC_SITE": None, "PROVINCE_SITE": None}
    province = None
    if not site.whole:
        root = sites.root_site()
        province = root if root.is_province else None
    return {"PUBLIC_SITE": site, "PROVINCE_SITE": province}
