"""The home page's and the statistics' figures: the tallies the database keeps
(publicity.models, the triggers of migrations 0018 and 0021), merged by a beat job and counted
afresh when an operator asks."""

from __future__ import annotations

from django.db import connection, transaction

from publicity.cache import public_cache_invalidate_on_commit
from publicity.enums import EntryStatus
from rectification.enums import CaseStatus

# Each ledger with the columns of its key: the rows of one key add up to its figure.
LEDGERS = {
    "publicity_entrytally": ("district_id", "status"),
    "publicity_entryfiguretally": ("district_id", "industry_id", "disposition", "year"),
    "publicity_casetally": ("district_id", "status", "deadline", "on_time"),
    "publicity_exposedunittally": (),
}
LEDGER_VALUES = {
    "publicity_entrytally": "entries",
    "publicity_entryfiguretally": "entries",
    "publicity_casetally": "cases",
    "publicity_exposedunittally": "units",
}


def _merge_sql(table: str) -> str:
    key = ", ".join(LEDGERS[table])
    value = LEDGER_VALUES[table]
    partition = f"PARTITION BY {key}" if key else ""
    grouped = f"GROUP BY {key}" if key else ""
    columns = f"{key}, {value}" if key else value
    selected = f"{key}, sum({value})" if key else f"sum({value})"
    # Only the keys with more than one row are rewritten. The DELETE takes the rows this
    # statement sees; a writer's row committed meanwhile stays for the next run, and a second
    # merge at the same moment finds the rows gone and skips them (nothing counted twice).
    return f"""
        WITH merged AS (
            DELETE FROM {table} WHERE id IN (
                SELECT id FROM (
                    SELECT id, count(*) OVER ({partition}) AS rows_of_key FROM {table}
                ) AS keyed WHERE rows_of_key > 1
            )
            RETURNING {columns}
        ), inserted AS (
            INSERT INTO {table} ({columns})
            SELECT {selected} FROM merged {grouped} HAVING sum({value}) <> 0
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM merged) - (SELECT count(*) FROM inserted)
    """  # noqa: S608 - our own table and column names


def site_tallies_compact() -> int:
    """Merge each key's rows of the tallies into one (beat: every five minutes), so reading
    them stays a few rows. Returns how many rows it removed. Safe to run twice and beside
    writers: the figures read the same before, during and after."""
    removed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for table in LEDGERS:
            cursor.execute(_merge_sql(table))
            removed += cursor.fetchone()[0]  # type: ignore[index]
    return removed


RECOUNT = [
    # Writes to entries and cases wait until the recount commits (reads go on); a writer
    # already under way is waited for, so the count and the tallies see the same rows.
    "LOCK TABLE publicity_entry, rectification_case IN SHARE MODE",
    "DELETE FROM publicity_entrytally",
    """
    INSERT INTO publicity_entrytally (district_id, status, entries)
    SELECT district_id, status, count(*) FROM publicity_entry GROUP BY district_id, status
    """,
    "DELETE FROM publicity_entryfiguretally",
    """
    INSERT INTO publicity_entryfiguretally (district_id, industry_id, disposition, year, entries)
    SELECT district_id, industry_id, disposition, date_part('year', published_on)::int, count(*)
    FROM publicity_entry WHERE status = ANY(%(published)s)
    GROUP BY 1, 2, 3, 4
    """,
    "DELETE FROM publicity_exposedunit",
    """
    INSERT INTO publicity_exposedunit (enterprise_id, entries)
    SELECT enterprise_id, count(*) FROM publicity_entry WHERE status = ANY(%(published)s)
    GROUP BY enterprise_id
    """,
    "DELETE FROM publicity_exposedunittally",
    """
    INSERT INTO publicity_exposedunittally (units)
    SELECT count(*) FROM publicity_exposedunit HAVING count(*) > 0
    """,
    "DELETE FROM publicity_casetally",
    """
    INSERT INTO publicity_casetally (district_id, status, deadline, on_time, cases)
    SELECT entry.district_id, c.status, NULL,
           COALESCE(c.status = ANY(%(finished)s) AND c.closed_on <= c.deadline, false),
           count(*)
    FROM publicity_entry AS entry JOIN rectification_case AS c ON c.id = entry.case_id
    WHERE entry.status = ANY(%(published)s)
    GROUP BY 1, 2, 4
    UNION ALL
    SELECT entry.district_id, c.status, c.deadline, false, count(*)
    FROM publicity_entry AS entry JOIN rectification_case AS c ON c.id = entry.case_id
    WHERE entry.status = ANY(%(published)s) AND c.status = ANY(%(active)s)
    GROUP BY entry.district_id, c.status, c.deadline
    """,
]


@transaction.atomic
def site_tallies_recount() -> None:
    """Count the tallies afresh from the entries and cases, by the rules of the enums
    (``EntryStatus.published()``, ``CaseStatus.active()``).

    For after SQL that bypassed the triggers (``session_replication_role = replica``, a
    data-only restore with ``--disable-triggers``, a trigger dropped by hand): the triggers
    keep the tallies exact through every other write, TRUNCATE included. Writes to entries
    and cases wait while it runs (seconds over a million entries); reads go on.

    Side effects: the five tallies rewritten; the public pages' cache dropped after commit.
    """
    params = {
        "published": [str(status) for status in EntryStatus.published()],
        "active": [str(status) for status in CaseStatus.active()],
        "finished": [str(status) for status in CaseStatus.finished()],
    }
    with connection.cursor() as cursor:
        for sql in RECOUNT:
            cursor.execute(sql, params if "%(" in sql else None)
    public_cache_invalidate_on_commit()
