from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("工作台")

    def ready(self) -> None:
        # At login, note in the session whether the person has a second factor to give
        # (staff/otp.py), so the staff pages need no query to know.
        from django.contrib.auth.signals import user_logged_in

        from staff.otp import note_device_at_login

        user_logged_in.connect(note_device_at_login, dispatch_uid="staff-otp-note-device")
