from typing import Any

from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _role_groups_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (and a test's flush): every app's permissions, then the role groups
    as core.roles.PERMISSIONS says. Sent once per app; this acts on the last app's, when
    every app's models are in place (Django sends it for apps with a models module only)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if kwargs.get("app_config") is not with_models[-1]:
        return
    if "auth_group" not in connections[using].introspection.table_names():
        return  # migrated back below auth
    from django.contrib.auth.management import create_permissions

    from core.services import role_groups_sync

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    role_groups_sync(using=using)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("系统")

    def ready(self) -> None:
        # Registers the system checks of the calendar's settings.
        from core import checks  # noqa: F401
        from core.translate_tag import install

        install()
        post_migrate.connect(_role_groups_after_migrate, dispatch_uid="core-role-groups")
