"""Writes of the kernel: the working-day calendar, and the role groups' permissions.

Every change of a year or its days ends by giving the year a new ``revision``; that is how
every process's copy of the calendar (core.calendar) learns of it. Write the calendar through
these services or the admin (which calls ``calendar_year_revise``), never with a bare save.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar_package import SpecialDay, package_schedule, package_version
from core.enums import CalendarDayKind, CalendarSource
from core.models import CalendarDay, CalendarYear
from core.roles import PERMISSIONS
from core.signals import calendar_changed

# The advisory lock key of calendar_seed_from_package ("CAL" in ASCII).
_SEED_LOCK = 0x43414C


class CalendarError(Exception):
    """A calendar write cannot be done; the message says why and what to do."""


def _announce(years: Iterable[int]) -> None:
    changed = tuple(years)
    if changed:
        transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear, years=changed))


@transaction.atomic
def calendar_year_revise(*, calendar_year: CalendarYear, actor: User) -> CalendarYear:
    """Record that ``actor`` entered or changed ``calendar_year`` and its days.

    Side effects: the year becomes administrator-entered, so ``calendar_seed`` leaves it as it
    is from now on; ``entered_by``/``entered_at``; a new ``revision``, so every process
    reloads the year at its next reckoning; ``calendar_changed`` after commit.
    """
    calendar_year.source = CalendarSource.ADMINISTRATOR
    calendar_year.package_version = ""
    calendar_year.entered_by = actor
    calendar_year.entered_at = timezone.now()
    calendar_year.revision = uuid.uuid4()
    calendar_year.save(
        update_fields=["source", "package_version", "entered_by", "entered_at", "revision"]
    )
    _announce([calendar_year.year])
    return calendar_year


@transaction.atomic
def calendar_year_enter(
    *,
    year: int,
    days: Iterable[SpecialDay],
    actor: User,
    notice: str = "",
    notice_date: datetime.date | None = None,
) -> CalendarYear:
    """Enter the State Council's notice for ``year``: its holidays and adjusted working days.

    Refuses a year the calendar already has (change that one in the admin) and any day the
    admin would refuse (outside the year; an adjusted working day on a weekday). Side
    effects: the year and its days; ``calendar_changed`` after commit.
    """
    if CalendarYear.objects.filter(year=year).exists():
        raise CalendarError(
            _("%(year)s 年的节假日安排已经录入，请在管理后台修改。") % {"year": year}
        )
    calendar_year = CalendarYear.objects.create(
        year=year,
        source=CalendarSource.ADMINISTRATOR,
        notice=notice,
        notice_date=notice_date,
        entered_by=actor,
        entered_at=timezone.now(),
    )
    rows = [
        CalendarDay(calendar_year=calendar_year, date=day.date, kind=day.kind, name=day.name)
        for day in days
    ]
    seen: set[datetime.date] = set()
    for row in rows:
        if row.date in seen:
            raise CalendarError(_("%(date)s 录入了两次。") % {"date": row.date.isoformat()})
        seen.add(row.date)
        try:
            # Unique dates were checked above; clean() holds the rules of the check constraint.
            row.full_clean(
                exclude=["calendar_year"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            raise CalendarError(" ".join(error.messages)) from error
    CalendarDay.objects.bulk_create(rows)
    _announce([year])
    return calendar_year


@dataclass(frozen=True)
class SeedResult:
    # Years the package knows that the database lacked, now added.
    added: tuple[int, ...]
    # Years seeded from an earlier package whose data this one changes, now replaced.
    refreshed: tuple[int, ...]
    # Years an administrator entered or changed that the package also knows: left alone.
    kept: tuple[int, ...]


@transaction.atomic
def calendar_seed_from_package(*, refresh: bool = False) -> SeedResult:
    """Add every year the ``chinese-calendar`` package knows and the database lacks.

    With ``refresh``, also replace the days of years seeded from the package whose data the
    installed package changes (a corrected year). Never touches a year an administrator
    entered or changed. Side effects: each added or replaced year gets a new revision;
    ``calendar_changed`` after commit, naming them.
    """
    schedule = package_schedule()
    version = package_version()
    # Two seeds at once (two deploys migrating) take turns instead of adding a year twice.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_SEED_LOCK])
    existing = {row.year: row for row in CalendarYear.objects.all()}
    added: list[int] = []
    refreshed: list[int] = []
    kept: list[int] = []
    now = timezone.now()
    for year, special_days in schedule.items():
        row = existing.get(year)
        if row is None:
            row = CalendarYear.objects.create(
                year=year,
                source=CalendarSource.PACKAGE,
                package_version=version,
                entered_at=now,
            )
            added.append(year)
        elif row.source == CalendarSource.ADMINISTRATOR:
            kept.append(year)
            continue
        elif not refresh or _stored_days(row) == special_days:
            continue
        else:
            row.days.all().delete()
            row.package_version = version
            row.entered_at = now
            row.revision = uuid.uuid4()
            row.save(update_fields=["package_version", "entered_at", "revision"])
            refreshed.append(year)
        CalendarDay.objects.bulk_create(
            CalendarDay(calendar_year=row, date=day.date, kind=day.kind, name=day.name)
            for day in special_days
        )
    _announce([*added, *refreshed])
    return SeedResult(tuple(added), tuple(refreshed), tuple(kept))


def _stored_days(calendar_year: CalendarYear) -> list[SpecialDay]:
    return [
        SpecialDay(day.date, CalendarDayKind(day.kind), day.name)
        for day in calendar_year.days.order_by("date")
    ]


# --- Role groups ---------------------------------------------------------------------------------


def role_groups_sync(
    *, using: str = "default", table: Mapping[str, frozenset[str]] = PERMISSIONS
) -> dict[str, tuple[set[str], set[str]]]:
    """Make each role's group hold exactly its permissions in ``table`` (the one table,
    ``core.roles.PERMISSIONS``), creating a missing group; groups an administrator made are
    left alone.

    Returns {role: (permissions added, permissions taken away)} for the groups it changed.
    Run after every ``migrate`` (``core.apps``) once every app's permissions exist; a
    permission of the table that does not exist is a mistake in the table, and raises.
    """
    from django.contrib.auth.models import Group, Permission

    found = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.using(using).select_related("content_type")
    }
    unknown = {code for codes in table.values() for code in codes} - found.keys()
    if unknown:
        raise ValueError(f"core.roles.PERMISSIONS names unknown permissions: {sorted(unknown)}")
    changed: dict[str, tuple[set[str], set[str]]] = {}
    with transaction.atomic(using=using):
        for role, codes in table.items():
            group, _created = Group.objects.using(using).get_or_create(name=role)
            held = {
                f"{permission.content_type.app_label}.{permission.codename}"
                for permission in group.permissions.select_related("content_type")
            }
            if held != codes:
                group.permissions.set([found[code] for code in sorted(codes)])
                changed[role] = (set(codes) - held, held - set(codes))
    return changed
