"""The admin's site as a province runs it: the Django admin is the deployment's.

It knows no authority: its lists show every city's users, staff profiles, authorities,
departments and submissions, with the reporters' identities. So besides superusers, only the
administrators of the deployment's top authority (the province's, or a city's installed
alone) may enter; a city's administrator in a province's deployment is refused it (their
city's staff and reports are theirs in the staff pages, scoped as everywhere).
"""

from __future__ import annotations

from django.http import HttpRequest

from core.admin_site import GongshiAdminSite
from registry.authorities import deployment_authority
from registry.permissions import user_authority


class AuthorityAdminSite(GongshiAdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        user = request.user
        return bool(user.is_superuser) or user_authority(user).pk == deployment_authority().pk
