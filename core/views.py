"""Views of the site as a whole, outside any app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers ask for on any page without a <link rel=icon> (a PDF, a
    JSON answer, an error page): the site's icon among the static files. Not a permanent
    redirect: with hashed static names (STATICFILES_MANIFEST) the target changes with the
    icon."""
    return HttpResponseRedirect(static("favicon.svg"))


@csrf_exempt
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's set_language without its CSRF token, which the language switch on every page
    would otherwise carry: the public pages are cached whole and served to every visitor, so
    they hold no token. What a forged switch could do is show someone the site in the other
    language; a browser that says the form came from another site is refused all the same."""
    if request.method == "POST" and request.headers.get("Sec-Fetch-Site") == "cross-site":
        return HttpResponseForbidden()
    return set_language(request)
