from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("系统")

    def ready(self) -> None:
        # Registers the system checks of the calendar's settings.
        from core import checks  # noqa: F401
        from core.translate_tag import install

        install()
