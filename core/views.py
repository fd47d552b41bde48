"""Views of the site as a whole, outside any app."""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.template import loader
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from django.views.i18n import set_language

from core.site import site_context


def _deployment_context() -> dict[str, object]:
    """The deployment's name and hotline from settings (its defaults; the authorities' own,
    kept in the database, are registry.context_processors'): what an error page shows when
    the database may be the error."""
    return site_context(
        name=settings.AUTHORITY_NAME,
        name_en=settings.AUTHORITY_NAME_EN,
        place=settings.CITY_NAME,
        hotline=settings.REPORTING_HOTLINE,
    )


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


def _page_without_database(request: HttpRequest, template_name: str) -> str:
    """An error page in the site's layout, rendered from the request and the settings alone:
    none of the context processors that read the session or the user from the database, so
    the page shows when the error is the database's (the header offers the staff login to
    everyone). In the visitor's language even when the error came before LocaleMiddleware."""
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(
        request
    )
    with translation.override(language):
        return loader.render_to_string(template_name, {"request": request, **_deployment_context()})


# Seconds a refused request is asked to wait: about a standby's promotion (docs/deploy.md).
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500 (config/urls.py). An error of the database's connection (it did not
    answer: a failover in progress, a restart) is a 503 with Retry-After, saying so and
    that what was sent is saved whole or not at all (every write is one transaction); any
    other error is a 500."""
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        response = HttpResponse(_page_without_database(request, "503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(_page_without_database(request, "500.html"))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (config/urls.py): a malformed request, or one for a host not in
    ALLOWED_HOSTS (the page never asks the request for its host)."""
    return HttpResponseBadRequest(_page_without_database(request, "400.html"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without a valid token (an expired page, cookies off).
    Django's own page is English whatever the visitor's language."""
    return HttpResponseForbidden(_page_without_database(request, "403_csrf.html"))
