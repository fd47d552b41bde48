from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("单位与检查")

    def ready(self) -> None:
        # Connects the receivers that drop the authorities' cached rules when they change.
        from registry import authorities  # noqa: F401
