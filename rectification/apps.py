from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "rectification"
    verbose_name = _("整改跟踪")

    def ready(self) -> None:
        # A new holder of a role that approves or administers is announced by the kernel
        # (core.role_grants); the inbox that tells the officials lives here.
        from core.role_grants import role_grant_confirmed
        from rectification.services import inbox_role_grant_notice

        role_grant_confirmed.connect(inbox_role_grant_notice, dispatch_uid="inbox-role-grant")
