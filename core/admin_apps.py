"""The admin app with Gongshi's site (core.admin_site): for administrators only."""

from django.contrib.admin.apps import AdminConfig


class GongshiAdminConfig(AdminConfig):
    default_site = "core.admin_site.GongshiAdminSite"
