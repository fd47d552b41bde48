from typing import Any

from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _role_groups_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """After ``migrate`` (and a test's flush): the role groups as core.roles.PERMISSIONS says.
    Sent once per app with models; this acts on the last app's. By then Django's own
    receivers (contenttypes', then auth's, connected before this one since both apps come
    before core in INSTALLED_APPS) have made every app's permissions; one the table names
    that is still missing stops the migration with its name (role_groups_sync)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if kwargs.get("app_config") is not with_models[-1]:
        return
    if "auth_group" not in connections[using].introspection.table_names():
        return  # migrated back below auth
    from core.services import role_groups_sync

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
