"""Views of the site as a whole, outside any app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers ask for on any page without a <link rel=icon> (a PDF, a
    JSON answer, an error page): the site's icon among the static files. Not a permanent
    redirect: with hashed static names (STATICFILES_MANIFEST) the target changes with the
    icon."""
    return HttpResponseRedirect(static("favicon.svg"))
