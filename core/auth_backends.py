"""The one authentication backend: Django's ModelBackend behind the login throttle.

One backend, not axes' and Django's side by side, so everything that asks "which backend"
(``User.objects.with_perm``, ``force_login``) keeps working as with Django's alone.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesBackend, AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest


class ThrottledModelBackend(AxesBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        # Raises (a refused login) when this username and address are locked out.
        AxesStandaloneBackend.authenticate(self, request, username, password, **kwargs)  # type: ignore[arg-type]
        return ModelBackend.authenticate(self, request, username, password, **kwargs)
