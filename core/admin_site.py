"""The Django admin, for administrators only.

Other roles work in the staff pages, where every record is scoped to their jurisdiction or
department and every move is checked against its workflow table; the admin knows neither.
So the admin lets in superusers and holders of ``core.use_admin`` (the administrator role),
and nobody may raise their own rights there: a non-superuser cannot see or edit superusers,
cannot grant superuser status or individual permissions, and cannot change their own
account's groups or status.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext_lazy


def _authority_name() -> str:
    # The header follows the page's language, as the staff and public pages' header does.
    if (get_language() or "").startswith("en") and settings.AUTHORITY_NAME_EN:
        return str(settings.AUTHORITY_NAME_EN)
    return str(settings.AUTHORITY_NAME)


class GongshiAdminSite(admin.AdminSite):
    # Lazy: read when a page renders, in that page's language.
    site_header = lazy(_authority_name, str)()
    site_title = gettext_lazy("公示曝光系统管理")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.has_perm("core.use_admin"))
        )
