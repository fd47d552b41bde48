"""What the publication staff pages share: the signed-in user, refusals as messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from publicity.services import PublicationError


def acting_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # staff_view has run: never anonymous here
        raise PermissionDenied
    return user


def require(allowed: Any) -> None:
    if not allowed:
        raise PermissionDenied


def attempt(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; show its refusal as an error message instead of a crash."""
    try:
        action()
    except PublicationError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


def to_batch(batch_id: int) -> HttpResponse:
    return redirect("publicity:batch-detail", pk=batch_id)
