"""Template context shared by every page: the authority it speaks for (registry.authorities).

A public page speaks for its site's authority (public.sites puts the site on the request: a
city's site for its city, the root for the deployment's top authority; the same for every
visitor, so it may be cached); a staff page (``core.pages.staff_view`` marks it) for the
member of staff's own: a city's staff see their city's name and hotline, the province's the
province's.
"""

from django.http import HttpRequest

from core.site import site_context
from registry.authorities import deployment_authority
from registry.permissions import user_authority


def site(request: HttpRequest) -> dict[str, object]:
    if getattr(request, "staff_page", False):
        authority = user_authority(request.user)
    elif (public_site := getattr(request, "public_site", None)) is not None:
        authority = public_site.rules
    else:
        authority = deployment_authority()
    return site_context(
        name=authority.name,
        name_en=authority.name_en,
        place=authority.place,
        hotline=authority.hotline,
    )
