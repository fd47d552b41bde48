"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation


def site(request: HttpRequest) -> dict[str, object]:
    # The authority's official name is Chinese; English pages show its English name where the
    # deployment gives one, with the language marked for screen readers either way.
    english = translation.get_language() == "en" and bool(settings.AUTHORITY_NAME_EN)
    return {
        "AUTHORITY_NAME": settings.AUTHORITY_NAME,
        "AUTHORITY_DISPLAY": settings.AUTHORITY_NAME_EN if english else settings.AUTHORITY_NAME,
        "AUTHORITY_LANG": "en" if english else "zh-Hans",
        "CITY_NAME": settings.CITY_NAME,
        "REPORTING_HOTLINE": settings.REPORTING_HOTLINE,
    }
