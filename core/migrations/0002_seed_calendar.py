"""Seed the working-day calendar with every year the chinese-calendar package knows, so every
database, test databases included, has it. Later package years come in with
`manage.py calendar_seed`; years after those are entered by an administrator."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    # The package's data as read now; the command, not this migration, follows later versions.
    from core.calendar_package import package_schedule, package_version

    CalendarYear = apps.get_model("core", "CalendarYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    present = set(CalendarYear.objects.values_list("year", flat=True))
    now = timezone.now()
    for year, days in package_schedule().items():
        if year in present:
            continue
        calendar_year = CalendarYear.objects.create(
            year=year, source="package", package_version=package_version(), entered_at=now
        )
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=calendar_year, date=day.date, kind=day.kind.value,
                        name=day.name)
            for day in days
        )


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
