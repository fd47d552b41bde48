"""Response headers the whole site sends."""

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# Our templates carry no inline script or style, so the policy allows only our own files.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Django's admin sets a few style attributes of its own (widths of widgets and the
# changelist's filter panel); only its pages allow them.
ADMIN_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = (
            ADMIN_CONTENT_SECURITY_POLICY
            if request.path.startswith("/admin/")
            else CONTENT_SECURITY_POLICY
        )
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


# Pages that show what only a signed-in person (staff, a unit, an administrator) may see:
# never kept by a browser's or a proxy's cache, so the back button after logout or a shared
# computer shows nothing.
PRIVATE_PREFIXES = ("/staff/", "/unit/", "/admin/")
PRIVATE_CACHE_CONTROL = "no-store, private"


class PrivatePagesNoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # One header for every private response, pages and downloads alike (Django's
        # never_cache on the login views says the same at greater length).
        if request.path.startswith(PRIVATE_PREFIXES):
            response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared body is larger than MAX_REQUEST_BYTES, with 413,
    before any of it is read (the proxy in front should refuse it first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as none, and so do we
        if length > settings.MAX_REQUEST_BYTES:
            return HttpResponse(
                _("请求过大：上传的内容不得超过 %(mb)d MB。")
                % {"mb": settings.MAX_REQUEST_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


class ProxyClientAddressMiddleware:
    """Behind nginx every request comes from the proxy's address; the client's is in the
    header the proxy sets (REAL_IP_HEADER, e.g. X-Real-IP). Rate limits and the login
    throttle count by REMOTE_ADDR, so it is set from that header, but only for requests that
    come from one of TRUSTED_PROXIES: anyone else could send the header themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = settings.REAL_IP_HEADER
        self.proxies = set(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.header and request.META.get("REMOTE_ADDR") in self.proxies:
            forwarded = request.META.get(self.header, "").strip()
            try:
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(forwarded))
            except ValueError:
                pass  # no or a malformed header: the proxy's address stays
        return self.get_response(request)
