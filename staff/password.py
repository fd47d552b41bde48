"""A person's own password (/staff/password/), and the change an administrator may ask for.

Administrators never set anyone's password but their own (core.admin): to replace a password
someone else may know (an account's first, chosen by the administrator who made it, or one
thought leaked) they ask for a new one at the next login (core.role_grants.
password_change_require). From that login on, staff.otp.SecondFactorMiddleware sends the
person here, after their second factor, before any other page of the staff area or the admin.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from core.role_grants import password_change_done, password_change_is_required

# Session flag: an administrator asked this person for a new password (noted at login, so
# the staff pages need no query to know). A session key, not a password (S105, B105).
PASSWORD_CHANGE_SESSION_KEY = "password_change_required"  # noqa: S105  # nosec B105


def note_password_change_at_login(request: HttpRequest, user: User) -> None:
    request.session[PASSWORD_CHANGE_SESSION_KEY] = password_change_is_required(user)


def password_change_owed(request: HttpRequest) -> bool:
    return bool(request.session.get(PASSWORD_CHANGE_SESSION_KEY))


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's own password: the old one, then the new one twice (Django's checks)."""
    if not request.user.is_authenticated:
        return redirect("staff-login")
    user = cast(User, request.user)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Stay signed in in this session (the others end with the old password's hash).
        update_session_auth_hash(request, user)
        password_change_done(user=user)
        request.session[PASSWORD_CHANGE_SESSION_KEY] = False
        messages.success(request, _("密码已修改。"))
        return redirect("staff-dashboard" if not user.has_perm("core.use_admin") else "admin:index")
    return render(
        request,
        "staff/password_change.html",
        {"form": form, "required": password_change_owed(request)},
    )
