"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "AUTHORITY_NAME": settings.AUTHORITY_NAME,
        "CITY_NAME": settings.CITY_NAME,
        "REPORTING_HOTLINE": settings.REPORTING_HOTLINE,
    }
