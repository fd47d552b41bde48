"""``python manage.py calendar_seed``: add the years the installed chinese-calendar package
knows and the database lacks (after upgrading the package)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from core.calendar_package import package_version
from core.services import calendar_seed_from_package


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(year) for year in years) or "none"


class Command(BaseCommand):
    help = (
        "Add the holiday schedules of the years the chinese-calendar package knows and the "
        "database lacks. Years an administrator entered or changed are never touched."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also replace years seeded from the package whose data this version changes.",
        )

    def handle(self, *args: Any, refresh: bool, **options: Any) -> None:
        result = calendar_seed_from_package(refresh=refresh)
        self.stdout.write(f"chinese-calendar {package_version()}")
        self.stdout.write(f"Added: {_years(result.added)}")
        if refresh:
            self.stdout.write(f"Refreshed: {_years(result.refreshed)}")
        self.stdout.write(f"Kept as entered by an administrator: {_years(result.kept)}")
