"""``python manage.py recount_site_tallies``: count the home page's tallies afresh from the
entries and cases, after SQL that bypassed their triggers (docs/operations.md). ``--check``
only compares them with a count and exits 1 when they differ."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from publicity.selectors import site_counts_compute, site_tallies_drift
from publicity.services import site_tallies_recount


class Command(BaseCommand):
    help = (
        "Count the home page's figures (the tallies of entries, cases and exposed units) "
        "afresh from the rows. Writes to entries and cases wait while it runs."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare the tallies with a count of the rows; exit 1 if they differ.",
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        if check:
            drift = site_tallies_drift()
            for name, (tallied, counted) in sorted(drift.items()):
                self.stdout.write(f"{name}: tallied {tallied}, counted {counted}")
            if drift:
                raise CommandError(f"{len(drift)} figures differ: run without --check")
            self.stdout.write("The tallies agree with the rows.")
            return
        before = site_counts_compute()
        site_tallies_recount()
        after = site_counts_compute()
        for name, value in after.items():
            changed = "" if before[name] == value else f" (was {before[name]})"
            self.stdout.write(f"{name}: {value}{changed}")
