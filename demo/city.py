"""The demo province: Guangdong with two cities, Huizhou's exposure regime of 2008–2010 rebuilt
from the bureau's own account, and Heyuan's, smaller and generated (demo.heyuan).

``python manage.py load_demo`` calls :func:`demo_load`. The tables are data files
(``demo/data/``: the cast, the batches and dispositions, the accident figures, the vocabulary
the names and texts are drawn from; the province and Heyuan). Huizhou's figures as the bureau
published them are reproduced exactly: 11 batches, the first (2008-09-27) with 178 units, 347
entries with their six dispositions, and the accident totals of 2008, 2009 and 2010 with their
year-over-year changes. Everything the account does not give (names, addresses, days within a
month, each case's history) is drawn from one seeded ``random.Random``, consumed in a fixed
order, so every load yields the same rows; Heyuan draws from a seed of its own.

The province (Guangdong, its authority, Huizhou put under it, Heyuan's tree and authority) is
reference data, written as such (demo.province). Then every unit is registered and inspected
by the registry services, every batch composed, approved, finalised and published by the
publicity services, every rectification case opened and moved by the rectification services,
each step on its historical day (time-machine); the daily reminder sweep runs on the
historical days it would have sent something, so the cases stand where the workflow would have
left them. Only Huizhou's accidents, statistical figures, are written in bulk.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone, translation

from core import roles
from demo import tables
from demo.base import DemoConflict, credit_code, split_exactly
from demo.cases import CasesMixin
from demo.heyuan import HeyuanCity
from demo.people import PeopleMixin
from demo.press import PressMixin
from demo.province import province_build, province_staff_create
from demo.publishing import PublishingMixin
from demo.units import UnitsMixin
from publicity.enums import BatchStatus
from publicity.models import Batch, Entry, MediaReport, Submission
from rectification.models import Case
from registry.models import Accident, Department, Industry, Jurisdiction
from registry.reference_data import CITY, english_names_fill

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "FIRST_BATCH",
    "DemoConflict",
    "credit_code",
    "demo_load",
    "demo_present",
    "demo_summary",
    "split_exactly",
]

DEMO_PASSWORD = tables.DEMO_PASSWORD
# (username, role group, where the login works: the province or its city) of every demo
# login, for the launcher to print: the province's first, then each city's.
DEMO_USERS: list[tuple[str, str, str]] = [
    (user.username, user.role, place)
    for users, place in (
        (tables.PROVINCE_USERS, tables.PROVINCE["name"]),
        (tables.USERS, CITY[1]),
        (tables.HEYUAN_USERS, tables.HEYUAN["city"]["name"]),
    )
    for user in users
]
FIRST_BATCH = tables.BATCHES[0]

# Lock key of the demo load, so two launchers starting at once load it once.
_ADVISORY_LOCK_KEY = 0x676F6E67


def demo_present() -> bool:
    """Whether the demo is loaded: its first batch is there, as the bureau printed it."""
    return Batch.objects.filter(
        year=FIRST_BATCH.published_on.year,
        number=1,
        published_on=FIRST_BATCH.published_on,
        outlet=FIRST_BATCH.outlet,
    ).exists()


def demo_load(*, today: datetime.date | None = None) -> bool:
    """Load the demo province; True if it loaded, False if it was already there (nothing
    written).

    Side effects: gives the reference data its English names where missing; puts the city of
    the reference data (Huizhou) under Guangdong and its authority, and Heyuan with its
    districts, authority and departments beside it; creates the demo users with their groups
    and staff profiles, and each city's enterprises, inspections, findings, batches, entries,
    cases with their timelines and reminders; Huizhou's accidents, media reports and
    submissions of 2008–2010; all in one transaction; refreshes the home page's cached counts
    after commit. Raises DemoConflict on a database that holds other batches, users of the
    same names or the province's jurisdictions, rather than mixing the demo into real data.

    ``today`` (default: the local date) places the few open cases whose deadlines were
    extended into the future, so the deadline reminders have something to do.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Held to the end of the transaction: a second loader waits, then sees the marker.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
        if demo_present():
            return False
        _refuse_conflicts()
        # The English pages name the districts, industries and departments the demo uses.
        english_names_fill(Jurisdiction, Industry, Department)
        # Deactivated translation: texts built from enum labels are stored as printed, in
        # Chinese (the msgids), whatever language the command runs in.
        with translation.override(None):
            province_build()
            day = today or timezone.localdate()
            _DemoCity(today=day).build()
            HeyuanCity(today=day).build()
            province_staff_create()
    return True


def demo_summary() -> str:
    """One line describing what the database holds, for the command's output."""
    published = Batch.objects.filter(status=BatchStatus.PUBLISHED)
    by_city = ", ".join(
        f"{place} {count}"
        for place, count in published.values_list("authority__jurisdiction__name")
        .annotate(n=Count("id"))
        .order_by("authority__jurisdiction__path")
    )
    return (
        f"{published.count()} published batches ({by_city}), "
        f"{Entry.objects.count()} entries, {Case.objects.count()} cases "
        f"({Case.objects.overdue().count()} overdue), {Accident.objects.count()} accidents, "
        f"{MediaReport.objects.count()} media reports, {Submission.objects.count()} submissions, "
        f"{len(DEMO_USERS)} demo users"
    )


def _refuse_conflicts() -> None:
    usernames = [username for username, _role, _place in DEMO_USERS]
    taken = list(
        get_user_model()
        .objects.filter(username__in=usernames)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if taken:
        raise DemoConflict(
            f"Users with demo names exist ({', '.join(taken)}) but the demo is not loaded; "
            "load the demo into an empty database."
        )
    years = sorted({spec.published_on.year for spec in tables.BATCHES + tables.HEYUAN_BATCHES})
    if Batch.objects.filter(year__in=years).exists():
        raise DemoConflict(
            f"Batches of {years[0]}–{years[-1]} exist; load the demo into an empty database."
        )
    if Group.objects.filter(name__in=roles.ALL).count() != len(roles.ALL):
        raise DemoConflict("The role groups are missing; run `manage.py migrate` first.")


class _DemoCity(PeopleMixin, UnitsMixin, PublishingMixin, CasesMixin, PressMixin):
    """Draws Huizhou from the seed and writes it. Used once, by :func:`demo_load`."""

    def build(self) -> None:
        self.create_users()
        accidents_by_period = self.plan_accidents()
        rows = self.plan_exposures(accidents_by_period)
        published = self.publish_batches(rows)
        self.run_histories(published)
        self.write_accidents(
            sorted((a for period in accidents_by_period for a in period), key=lambda a: a.date)
        )
        self.create_media_reports(
            [batch for batch, _entries in published],
            [entry for _batch, entries in published for entry, _plan in entries],
        )
        self.create_submissions()
