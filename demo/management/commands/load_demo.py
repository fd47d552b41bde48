"""``python manage.py load_demo``: load the demo province (demo.city), once."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.city import DEMO_PASSWORD, DEMO_USERS, DemoConflict, demo_load, demo_summary


class Command(BaseCommand):
    help = (
        "Load the demo province of 2008–2010: Guangdong with Huizhou and Heyuan (batches, "
        "entries, cases, accidents, demo users)."
    )

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            loaded = demo_load()
        except DemoConflict as error:
            raise CommandError(str(error)) from error
        if loaded:
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo province in {seconds:.1f} s: {demo_summary()}."
                )
            )
        else:
            self.stdout.write("The demo province is already loaded; nothing written.")
        # The launcher (make run) shows these; they are the one list of demo logins.
        self.stdout.write(logins_text(), ending="")


def logins_text() -> str:
    """The demo logins, a header and one aligned line each: username, role, and the province
    or city the login works in."""
    user_width = max(len(username) for username, _role, _place in DEMO_USERS)
    role_width = max(len(role) for _username, role, _place in DEMO_USERS)
    lines = [f"Demo logins (password {DEMO_PASSWORD}):"]
    lines += [
        f"  {username:<{user_width}}  {role:<{role_width}}  {place}"
        for username, role, place in DEMO_USERS
    ]
    return "\n".join(lines) + "\n"
