"""Optional second factor for staff: a TOTP app (django-otp).

A person enrols a device on /staff/otp/enrol/ (the secret shown as text and as an otpauth
link an authenticator app reads). From then on, after their password (at the staff login or
the admin's), the staff area and the admin ask for the current six-digit code once per
session (/staff/otp/verify/). With OTP_REQUIRED, people holding one of
OTP_REQUIRED_PERMISSIONS or any right that approves, decides or administers
(core.roles.GUARDED_PERMISSIONS: officials, administrators, superusers) must enrol before
they go on; it is off
by default so the demo's accounts log in with a password alone (production turns it on:
docs/production.env).

The same middleware then asks for a new password when an administrator required one
(staff/password.py): the second factor first, so the page is behind both.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import cast

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import roles
from core.pages import staff_view
from staff.password import note_password_change_at_login, password_change_owed

# Where the second factor is asked: the staff area and the admin.
GUARDED_PREFIXES = ("/staff/", "/admin/")
# Session flag: this person has no confirmed device (saves a query on every page).
NO_DEVICE_SESSION_KEY = "otp_no_device"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _required_for(user: User) -> bool:
    # OTP_REQUIRED_PERMISSIONS, and always every right that approves, decides or administers
    # (core.roles): a group built in the admin with one of them is covered as an official is.
    required = set(settings.OTP_REQUIRED_PERMISSIONS) | roles.GUARDED_PERMISSIONS
    return settings.OTP_REQUIRED and (
        user.is_superuser or bool(required & user.get_all_permissions())
    )


def note_device_at_login(
    sender: object, request: HttpRequest | None, user: User, **kwargs: object
) -> None:
    """user_logged_in: remember in the new session whether the person has a device, and
    whether an administrator asked them for a new password."""
    if request is not None and hasattr(request, "session"):
        request.session[NO_DEVICE_SESSION_KEY] = not user_has_device(user, confirmed=True)
        note_password_change_at_login(request, user)


def _has_device(request: HttpRequest, user: User) -> bool:
    no_device = request.session.get(NO_DEVICE_SESSION_KEY)
    if no_device is None:  # a session from before this was noted at login
        no_device = not user_has_device(user, confirmed=True)
        request.session[NO_DEVICE_SESSION_KEY] = no_device
    return not no_device


class SecondFactorMiddleware:
    """Sends a signed-in person who owes a second factor to the verify (or enrol) page before
    any other page of the staff area or the admin, then one who owes a new password to the
    password page. After django_otp's OTPMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and request.path.startswith(GUARDED_PREFIXES)
            and request.path not in _exempt_paths()
            # OTPMiddleware gave the user is_verified().
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]
        ):
            person = cast(User, user)
            if _has_device(request, person):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('staff-otp-verify')}?{query}")
            if _required_for(person):
                return redirect("staff-otp-enrol")
        if (
            user.is_authenticated
            and request.path.startswith(GUARDED_PREFIXES)
            and password_change_owed(request)
            and request.path not in _exempt_paths()
            and request.path != reverse("staff-password-change")
        ):
            return redirect("staff-password-change")
        return self.get_response(request)


def _exempt_paths() -> set[str]:
    return {
        reverse(name)
        for name in ("staff-otp-verify", "staff-otp-enrol", "staff-login", "staff-logout")
    } | {reverse("admin:logout"), reverse("admin:login")}


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("staff-dashboard")


@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the current code of the person's enrolled device."""
    if not request.user.is_authenticated:
        return redirect("staff-login")
    user = cast(User, request.user)
    devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    if not devices:
        return redirect("staff-otp-enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in devices:
            if device.verify_token(token):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或已过期，请输入认证应用上当前显示的六位数字。"))
    return render(request, "staff/otp_verify.html", {"form": form, "next": _next_url(request)})


@require_http_methods(["GET", "POST"])
@staff_view()
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan or type the secret, then confirm with a code."""
    user = cast(User, request.user)
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        return render(request, "staff/otp_enrol.html", {"enrolled": True})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("认证应用"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session.pop(NO_DEVICE_SESSION_KEY, None)
            otp_login(request, device)
            return redirect("staff-dashboard")
        form.add_error("token", _("验证码不正确或已过期，请输入认证应用上当前显示的六位数字。"))
    return render(
        request,
        "staff/otp_enrol.html",
        {
            "enrolled": False,
            "form": form,
            "secret": base64.b32encode(device.bin_key).decode("ascii"),
            "config_url": device.config_url,
        },
    )
