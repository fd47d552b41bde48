"""Template context shared by every page: the deployment's authority (registry.authorities)."""

from django.http import HttpRequest

from core.site import site_context
from registry.authorities import deployment_authority


def site(request: HttpRequest) -> dict[str, object]:
    authority = deployment_authority()
    return site_context(
        name=authority.name,
        name_en=authority.name_en,
        place=authority.place,
        hotline=authority.hotline,
    )
