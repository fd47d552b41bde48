"""Request helpers shared by every app's views."""

from __future__ import annotations

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address, as rate limits count it.

    Behind a reverse proxy REMOTE_ADDR is the proxy's own: core.middleware's
    ProxyClientAddressMiddleware sets it from the proxy's header, for requests from a trusted
    proxy only (docs/deploy.md), never this code from a header anyone can send.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address for the login throttle (django-axes): as ``client_address``, but
    None when unknown (a request made in code, such as a test's forced login)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
