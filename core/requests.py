"""Request helpers shared by every app's views."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

# django-axes keeps the name of a failed login in a column of 255 characters.
LOGIN_NAME_COLUMN = 255


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


def login_username(
    request: HttpRequest | None, credentials: Mapping[str, Any] | None
) -> str | None:
    """The name the login throttle (django-axes) counts a login's failures under.

    The name as typed, unless it is longer than the throttle's column holds: then a digest
    of it (``sha256:<hex>``), so an overlong name is refused like any wrong one (no account
    has a name over 150 characters) and its failures still count towards the lockout of
    that name and address, the same name always under the same key.
    """
    if credentials:
        name = credentials.get("username")
    elif request is not None:
        name = getattr(request, "data", request.POST).get("username")
    else:
        name = None
    if not isinstance(name, str) or len(name) <= LOGIN_NAME_COLUMN:
        return name
    return "sha256:" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()
