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

        from core.signals import calendar_changed

        def _calendar_changed(sender: object, **kwargs: object) -> None:
            # The entry page says when a deadline's year is one the calendar does not know.
            public_cache_invalidate()

        calendar_changed.connect(
            _calendar_changed, dispatch_uid="publicity-calendar-changed", weak=False
        )

        from registry.authorities import authority_changed

        def _authority_changed(sender: object, **kwargs: object) -> None:
            # Every public page carries the authority's name and hotline; the map its outline.
            public_cache_invalidate()

        authority_changed.connect(
            _authority_changed, dispatch_uid="publicity-authority-changed", weak=False
        )
