from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("公示曝光")

    def ready(self) -> None:
        from publicity.cache import public_cache_invalidate
        from rectification.signals import case_changed

        def _case_changed(sender: object, **kwargs: object) -> None:
            # The public list and entry pages show each case's status and deadline.
            public_cache_invalidate()

        case_changed.connect(_case_changed, dispatch_uid="publicity-case-changed", weak=False)
