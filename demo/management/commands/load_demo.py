"""``python manage.py load_demo``: load the demo city (demo.city), once."""

import time

from django.core.management.base import BaseCommand, CommandError

from demo.city import DEMO_PASSWORD, DEMO_USERS, DemoConflict, demo_load, demo_summary


class Command(BaseCommand):
    help = "Load the demo city of 2008–2010 (batches, entries, cases, accidents, demo users)."

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        try:
            loaded = demo_load()
        except DemoConflict as error:
            raise CommandError(str(error)) from error
        if loaded:
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the demo city in {seconds:.1f} s: {demo_summary()}.")
            )
        else:
            self.stdout.write("The demo city is already loaded; nothing written.")
        # The launcher (make run) shows these; they are the one list of demo logins.
        self.stdout.write(logins_text(), ending="")


def logins_text() -> str:
    """The demo logins, a header and one aligned line (username, role) each."""
    width = max(len(username) for username, _role in DEMO_USERS)
    lines = [f"Demo logins (password {DEMO_PASSWORD}):"]
    lines += [f"  {username:<{width}}  {role}" for username, role in DEMO_USERS]
    return "\n".join(lines) + "\n"
