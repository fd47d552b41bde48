"""The Django admin, for administrators only.

Other roles work in the staff pages, where every record is scoped to their jurisdiction or
department and every move is checked against its workflow table; the admin knows neither.
So the admin lets in superusers and holders of ``core.use_admin`` (the administrator role),
and nobody may raise their own rights there: a non-superuser cannot see or edit superusers,
cannot grant superuser status or individual permissions, and cannot change their own
account's groups or status.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest


class GongshiAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.has_perm("core.use_admin"))
        )
