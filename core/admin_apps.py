"""The admin app with Gongshi's site: for administrators only (core.admin_site), and in a
province's deployment for the province's (registry.admin_site)."""

from django.contrib.admin.apps import AdminConfig


class GongshiAdminConfig(AdminConfig):
    default_site = "registry.admin_site.AuthorityAdminSite"
