"""What every page's layout says of the authority: its name (English on an English page where
it has one, with the language marked for screen readers either way), its place and hotline.
Filled from the authority's rules (registry.context_processors) or, where the database may be
the error, from the deployment's settings (core.views' error pages)."""

from django.utils import translation


def site_context(*, name: str, name_en: str, place: str, hotline: str) -> dict[str, object]:
    english = translation.get_language() == "en" and bool(name_en)
    return {
        "AUTHORITY_NAME": name,
        "AUTHORITY_DISPLAY": name_en if english else name,
        "AUTHORITY_LANG": "en" if english else "zh-Hans",
        "CITY_NAME": place,
        "REPORTING_HOTLINE": hotline,
    }
