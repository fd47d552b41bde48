"""The home page's figures from the tallies the database keeps (migration 0018's triggers):
after each step of the real workflows they equal a count of the rows, however the rows were
written, and reading them costs a few queries."""

import datetime
import importlib
import threading
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from core import roles
from public.exposure_map import district_figures
from publicity.enums import EntryStatus, ErratumKind
from publicity.models import (
    CaseTally,
    EntryFigureTally,
    EntryTally,
    ExposedUnit,
    ExposedUnitTally,
)
from publicity.selectors import site_counts_compute, site_tallies_drift
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entries_term_end,
    entry_add,
    entry_remove,
    entry_remove_early,
    erratum_create,
    erratum_decide,
    notice_build,
    objection_decide,
    objection_record,
    site_tallies_compact,
    site_tallies_recount,
)
from publicity.term import early_removal_allowed_from
from rectification import services as cases
from rectification.reminders import reminders_sweep
from registry.enums import Disposition
from registry.models import Jurisdiction
from tests.factories import (
    CaseFactory,
    EntryFactory,
    FindingFactory,
    ListedEntryFactory,
    publication_staff,
    staff_user,
)
from tests.support import wait_until

pytestmark = pytest.mark.django_db

HUICHENG, HUIYANG = "441302", "441303"


def figures(today=None):
    """The headline figures, asserting first that the tallies equal a count of the rows."""
    assert site_tallies_drift(today=today) == {}
    counts = site_counts_compute(today=today)
    return [
        counts[name]
        for name in (
            "published_batches",
            "exposed_units",
            "listed_entries",
            "cases_active",
            "cases_overdue",
            "cases_finished",
        )
    ]


def published_batch(composer, official, findings, objected=()):
    """A batch of ``findings`` through approval, objections (those at the positions in
    ``objected`` upheld), finalisation and publication today."""
    batch = batch_create(composer=composer)
    entries = entry_add(batch=batch, findings=findings, actor=composer).created
    for entry in entries:
        entry.responsible_person = "王五"
        entry.save(update_fields=["responsible_person"])
    batch_submit(batch=batch, actor=composer)
    batch_approve(batch=batch, actor=official)
    for position in objected:
        objection = objection_record(
            entry=entries[position],
            actor=official,
            received_on=timezone.localdate(),
            statement="非本单位",
        )
        objection_decide(objection=objection, actor=official, upheld=True, reasons="对象有误")
    batch.refresh_from_db()
    batch_finalise(
        batch=batch, actor=official, today=batch.notice_period_ends + datetime.timedelta(days=1)
    )
    notice_build(batch=batch)
    batch.refresh_from_db()
    return batch_publish(
        batch=batch, actor=official, published_on=timezone.localdate(), outlet="惠州日报"
    )


def test_tallies_follow_publication_and_every_move_after_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    composer, official, other = publication_staff(), publication_staff(), publication_staff()
    inspector = staff_user("insp", roles.INSPECTOR)
    assert figures() == [0, 0, 0, 0, 0, 0]

    # Composing: entries of a draft count under "planned", nothing is published.
    draft = batch_create(composer=composer)
    [taken_out, _kept] = entry_add(
        batch=draft, findings=[FindingFactory(), FindingFactory()], actor=composer
    ).created
    entry_remove(entry=taken_out, actor=composer)
    assert figures() == [0, 0, 0, 0, 0, 0]
    planned = EntryTally.objects.filter(status=EntryStatus.PLANNED).aggregate(n=Sum("entries"))
    assert planned == {"n": 1}

    # Published: five findings (the second of a banned unit), one of them withdrawn on an
    # upheld objection; then a second batch with the first unit again (one unit, two entries).
    findings = [FindingFactory() for _ in range(5)]
    findings[1].proposed_disposition = Disposition.BANNED
    findings[1].save(update_fields=["proposed_disposition"])
    published_batch(composer, official, findings, objected=[4])
    assert figures() == [1, 4, 4, 4, 0, 0]
    again = FindingFactory(inspection__enterprise=findings[0].inspection.enterprise)
    published_batch(composer, official, [again])
    assert figures() == [2, 4, 5, 5, 0, 0]

    first, second, third, fourth = (
        finding.entries.get(status=EntryStatus.LISTED).case for finding in findings[:4]
    )
    today = timezone.localdate()
    # The cases move: rectified, closure verified (a banned unit's), re-inspection asked.
    cases.case_request_reinspection(case=first, actor=None, text="已整改")
    assert figures() == [2, 4, 5, 5, 0, 0]
    cases.case_reinspect(case=first, actor=inspector, passed=True, text="合格", today=today)
    assert figures() == [2, 4, 5, 4, 0, 1]
    cases.case_reinspect(case=second, actor=inspector, passed=True, text="已关停", today=today)
    assert figures() == [2, 4, 5, 3, 0, 2]

    # A deadline passes: the same rows, read a day after the deadlines.
    third.refresh_from_db()
    later = third.deadline + datetime.timedelta(days=1)
    assert figures(today=later) == [2, 4, 5, 3, 3, 2]
    # A failed re-inspection and an extension give new deadlines after that day.
    cases.case_reinspect(
        case=third,
        actor=inspector,
        passed=False,
        text="未整改",
        new_deadline=later + datetime.timedelta(days=30),
        today=today,
    )
    cases.case_extend_deadline(
        case=fourth,
        actor=official,
        new_deadline=later + datetime.timedelta(days=60),
        reason="设备未到",
        today=today,
    )
    assert figures(today=later) == [2, 4, 5, 3, 1, 2]

    # The daily sweep escalates overdue cases in one UPDATE that moves no figure.
    reminders_sweep(today=later + datetime.timedelta(days=settings.ESCALATE_AFTER_OVERDUE_DAYS))
    assert figures(today=later) == [2, 4, 5, 3, 1, 2]

    # An approved withdrawal erratum: the entry leaves the list, its case is cancelled; the
    # unit stays exposed (it was published).
    withdrawn = fourth.entry
    erratum = erratum_create(
        entry=withdrawn, actor=official, kind=ErratumKind.WITHDRAW, reason="误列", corrections={}
    )
    erratum_decide(erratum=erratum, actor=other, approve=True)
    assert figures(today=later) == [2, 4, 4, 2, 1, 2]

    # Early removal after verified rectification, then the end of the term in one UPDATE.
    rectified = first.entry
    rectified.refresh_from_db()
    removal_day = early_removal_allowed_from(rectified)
    entry_remove_early(entry=rectified, actor=official, reason="整改到位", today=removal_day)
    assert figures(today=later) == [2, 4, 3, 2, 1, 2]
    term_over = rectified.listed_until + datetime.timedelta(days=400)
    assert entries_term_end(today=term_over) == 3
    assert figures(today=later) == [2, 4, 0, 2, 1, 2]

    # Merging the rows changes no figure.
    assert site_tallies_compact() > 0
    assert figures(today=later) == [2, 4, 0, 2, 1, 2]
    assert EntryTally.objects.count() == len(
        set(EntryTally.objects.values_list("status", "district"))
    )


def test_tallies_follow_set_based_sql_and_bulk_inserts():
    # Rows written by SQL the services never run, as the benchmark's generator and the demo
    # loader write them: one INSERT of cases, one of entries, one UPDATE, one DELETE.
    listed = [ListedEntryFactory() for _ in range(3)]
    ListedEntryFactory(
        district=Jurisdiction.objects.get(code=HUIYANG),
        case__status="rectified",
        case__closed_on=datetime.date(2009, 5, 1),
    )
    EntryFactory()  # planned, in a draft
    assert figures() == [4, 4, 4, 3, 3, 1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rectification_case SET status = 'rectified', closed_on = deadline "
            "WHERE id = ANY(%s)",
            [[entry.case_id for entry in listed[:2]]],
        )
        cursor.execute("UPDATE rectification_case SET deadline = deadline + 1")
        cursor.execute("DELETE FROM publicity_entry WHERE status = 'planned'")
    assert figures() == [4, 4, 4, 1, 1, 3]


def test_tallies_count_a_unit_once_however_many_of_its_entries_are_published():
    entry = ListedEntryFactory()
    ListedEntryFactory(
        enterprise=entry.enterprise, finding__inspection__enterprise=entry.enterprise
    )
    assert figures() == [2, 1, 2, 2, 2, 0]
    assert list(ExposedUnit.objects.values_list("entries", flat=True)) == [2]


@pytest.mark.django_db(transaction=True)
def test_tallies_follow_a_case_moved_while_its_entry_is_published():
    """A case moved by another transaction while an entry is given that case: the entry's
    trigger waits for the case's row and counts the case as the other transaction left it."""
    entry = EntryFactory()  # planned, no case
    case = CaseFactory(enterprise=entry.enterprise)
    conninfo = psycopg.conninfo.make_conninfo(
        **{
            key: value
            for key, value in {
                "dbname": connection.settings_dict["NAME"],
                "user": connection.settings_dict["USER"],
                "password": connection.settings_dict["PASSWORD"],
                "host": connection.settings_dict["HOST"],
                "port": connection.settings_dict["PORT"],
            }.items()
            if value
        }
    )
    with psycopg.connect(conninfo) as mover, psycopg.connect(conninfo) as publisher:
        mover.execute(
            "UPDATE rectification_case SET status = 'rectified', closed_on = deadline "
            "WHERE id = %s",
            [case.pk],
        )
        done = threading.Event()

        def publish():
            publisher.execute(
                "UPDATE publicity_entry SET status = 'listed', case_id = %s, "
                "published_on = %s, printed_number = 1 WHERE id = %s",
                [case.pk, datetime.date(2009, 3, 15), entry.pk],
            )
            publisher.commit()
            done.set()

        def waits_for_a_lock() -> bool:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                    [publisher.info.backend_pid],
                )
                row = cursor.fetchone()
            return row is not None and row[0] == "Lock"

        thread = threading.Thread(target=publish)
        thread.start()
        # The publisher's UPDATE waits for the case's row (or, wrongly, finishes at once).
        wait_until(lambda: done.is_set() or waits_for_a_lock(), timeout=10, what="the publisher")
        waiting = not done.is_set()
        mover.commit()
        thread.join(timeout=10)

    assert waiting
    assert figures() == [0, 1, 1, 0, 0, 1]


def test_tallies_are_emptied_by_truncate():
    ListedEntryFactory()
    with connection.cursor() as cursor:
        # The foreign keys' checks of the rows above first: TRUNCATE waits for none.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE publicity_entry, rectification_case CASCADE")
    assert figures() == [1, 0, 0, 0, 0, 0]
    tallies = (EntryTally, EntryFigureTally, CaseTally, ExposedUnit, ExposedUnitTally)
    assert [m.objects.count() for m in tallies] == [0, 0, 0, 0, 0]


def test_recount_repairs_tallies_after_sql_that_bypassed_the_triggers():
    ListedEntryFactory()
    with connection.cursor() as cursor:
        # What a replica's apply or a data-only restore with --disable-triggers does.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE rectification_case SET status = 'rectified', closed_on = deadline")
        cursor.execute("SET session_replication_role = DEFAULT")
    ListedEntryFactory()
    district = Jurisdiction.objects.get(code=HUICHENG).pk
    assert site_tallies_drift() == {
        "cases_active": (2, 1),
        "cases_overdue": (2, 1),
        "cases_finished": (0, 1),
        "cases_on_time": (0, 1),
        f"district {district} active": (2, 1),
        f"district {district} overdue": (2, 1),
        f"district {district} finished": (0, 1),
    }
    with pytest.raises(CommandError, match="7 figures differ"):
        call_command("recount_site_tallies", "--check", stdout=StringIO())

    site_tallies_recount()

    assert figures() == [2, 2, 2, 1, 1, 1]


def test_migration_backfill_counts_what_the_recount_counts():
    ListedEntryFactory()
    ListedEntryFactory(
        district=Jurisdiction.objects.get(code=HUIYANG),
        case__status="cancelled",
        case__closed_on=datetime.date(2009, 5, 1),
        status=EntryStatus.WITHDRAWN_BY_ERRATUM,
    )
    EntryFactory()
    migration = importlib.import_module("publicity.migrations.0018_site_tallies")
    for model in (EntryTally, CaseTally, ExposedUnit, ExposedUnitTally):
        model.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)

    assert figures() == [2, 2, 1, 1, 1, 0]


def test_migration_0021_backfill_counts_what_the_recount_counts():
    """The statistics' tallies as migration 0021 fills them: published entries by district,
    industry, disposition and year, and the finished cases split by being on time."""
    deadline = datetime.date(2009, 4, 30)
    ListedEntryFactory(case__status="rectified", case__closed_on=deadline)
    ListedEntryFactory(
        district=Jurisdiction.objects.get(code=HUIYANG),
        case__status="rectified",
        case__closed_on=deadline + datetime.timedelta(days=1),
        status=EntryStatus.REMOVED,
    )
    EntryFactory()
    migration = importlib.import_module("publicity.migrations.0021_statistics_tallies")
    for model in (EntryFigureTally, CaseTally):
        model.objects.all().delete()

    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)

    assert figures() == [2, 2, 1, 0, 0, 2]
    assert CaseTally.objects.filter(on_time=True).aggregate(n=Sum("cases"))["n"] == 1
    assert EntryFigureTally.objects.aggregate(n=Sum("entries"))["n"] == 2


def test_site_counts_compute_reads_four_queries_whatever_the_rows(django_assert_num_queries):
    for rows in (1, 3):
        for _ in range(rows):
            ListedEntryFactory()
        # Batches; the tallies of exposed units, of entries and of cases.
        with django_assert_num_queries(4):
            site_counts_compute()


@pytest.mark.parametrize("districts", [1, 3])
def test_home_map_reads_three_queries_whatever_the_districts(districts, django_assert_num_queries):
    for code in [HUICHENG, HUIYANG, "441322"][:districts]:
        ListedEntryFactory(district=Jurisdiction.objects.get(code=code))

    # The tallies of entries and of cases, the districts.
    with django_assert_num_queries(3):
        rows = district_figures(filters={})

    assert sum(row["listed"] for row in rows) == districts


def test_recount_command_prints_the_figures():
    ListedEntryFactory()
    out = StringIO()
    call_command("recount_site_tallies", stdout=out)
    check = StringIO()
    call_command("recount_site_tallies", "--check", stdout=check)

    assert out.getvalue().splitlines() == [
        "published_batches: 1",
        "exposed_units: 1",
        "listed_entries: 1",
        "cases_finished: 0",
        "cases_active: 1",
        "cases_overdue: 1",
    ]
    assert check.getvalue() == "The tallies agree with the rows.\n"
