"""Keep ``registry_finding.in_entries`` (how many entries hold a finding: carry it, and were
not withdrawn on an upheld objection, which puts it back in the composer's pool) in step with
the entry tables: statement-level triggers with transition tables on ``publicity_entry`` (its
principal ``finding_id``) and ``publicity_entry_further_findings``, for every INSERT, UPDATE,
DELETE and TRUNCATE, whoever writes (the services, the demo loader, the benchmark's
generator). As with the case tally (0018), the layer above keeps the fact the layer below
reads: the registry's "findings awaiting a batch" is a partial index on it
(registry/0010), and the registry never learns of entries.

The triggers are created before the backfill in the same transaction: CREATE TRIGGER locks
both tables against writes until the migration commits, so nothing written meanwhile is
missed or counted twice.
"""

# The SQL is built from this module's own constants, never from input.
# ruff: noqa: S608

from django.db import migrations

REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}

# An entry withdrawn on an upheld objection holds its findings no more: they are back in the
# composer's pool (publicity.selectors.finding_pool).
HOLDS = "status <> 'withdrawn_on_objection'"


def changes(op, columns):
    new = f"SELECT 1 AS sign, {columns} FROM new_rows"
    old = f"SELECT -1 AS sign, {columns} FROM old_rows"
    return {"insert": new, "delete": old, "update": f"{old} UNION ALL {new}"}[op]


UPDATE_FINDINGS = """
    UPDATE registry_finding AS f SET in_entries = f.in_entries + moved.n
    FROM moved WHERE f.id = moved.finding_id;
"""

# An entry's rows: its principal finding, and its further findings (as they stand: the
# statement changes the entry, not its list), each counted while the entry holds them. A
# new entry gets its further findings after it is inserted, and Django deletes them before
# the entry: the other trigger counts those.
ENTRY_TRIGGER = """
CREATE FUNCTION publicity_entry_finding_count_{op}() RETURNS trigger AS $$
BEGIN
    WITH held AS (
        SELECT sign, id, finding_id FROM ({changes}) AS c WHERE {holds}
    ), moved AS (
        SELECT finding_id, sum(sign) AS n FROM (
            SELECT sign, finding_id FROM held
            UNION ALL
            SELECT held.sign, ff.finding_id FROM held
            JOIN publicity_entry_further_findings AS ff ON ff.entry_id = held.id
        ) AS c
        GROUP BY finding_id HAVING sum(sign) <> 0
    )
    {update}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER publicity_entry_finding_count_{op} AFTER {OP} ON publicity_entry {referencing}
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_entry_finding_count_{op}();
"""

# A further finding put into or taken out of an entry that holds its findings.
FURTHER_TRIGGER = """
CREATE FUNCTION publicity_entry_further_finding_count_{op}() RETURNS trigger AS $$
BEGIN
    WITH moved AS (
        SELECT c.finding_id, sum(c.sign) AS n FROM ({changes}) AS c
        JOIN publicity_entry AS e ON e.id = c.entry_id AND e.{holds}
        GROUP BY c.finding_id HAVING sum(c.sign) <> 0
    )
    {update}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER publicity_entry_further_finding_count_{op} AFTER {OP}
    ON publicity_entry_further_findings {referencing}
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_entry_further_finding_count_{op}();
"""

TABLES = {
    "publicity_entry": "publicity_entry_finding_count",
    "publicity_entry_further_findings": "publicity_entry_further_finding_count",
}


def create_sql():
    sql = []
    for op in ("insert", "update", "delete"):
        common = {
            "op": op,
            "OP": op.upper(),
            "referencing": REFERENCING[op],
            "holds": HOLDS,
            "update": UPDATE_FINDINGS,
        }
        sql.append(ENTRY_TRIGGER.format(changes=changes(op, "id, finding_id, status"), **common))
        sql.append(FURTHER_TRIGGER.format(changes=changes(op, "entry_id, finding_id"), **common))
    return "\n".join(sql)


# Every finding's count from the tables (the backfill, and after a TRUNCATE of either table:
# a test database's flush truncates the findings too, and this then updates nothing).
RECOUNT = f"""
    UPDATE registry_finding AS f SET in_entries = coalesce(carried.n, 0)
    FROM registry_finding AS f2
    LEFT JOIN (
        SELECT finding_id, count(*) AS n FROM (
            SELECT finding_id FROM publicity_entry WHERE {HOLDS}
            UNION ALL
            SELECT ff.finding_id FROM publicity_entry_further_findings AS ff
            JOIN publicity_entry AS e ON e.id = ff.entry_id AND e.{HOLDS}
        ) AS held
        GROUP BY finding_id
    ) AS carried ON carried.finding_id = f2.id
    WHERE f.id = f2.id AND f.in_entries IS DISTINCT FROM coalesce(carried.n, 0);
"""

TRUNCATE = f"""
CREATE FUNCTION publicity_finding_count_truncated() RETURNS trigger AS $$
BEGIN
    {RECOUNT}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER publicity_entry_finding_count_truncate AFTER TRUNCATE ON publicity_entry
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_finding_count_truncated();
CREATE TRIGGER publicity_entry_further_finding_count_truncate
    AFTER TRUNCATE ON publicity_entry_further_findings
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_finding_count_truncated();
"""

BACKFILL = RECOUNT


def drop_sql():
    sql = []
    for table, prefix in TABLES.items():
        for op in ("insert", "update", "delete"):
            sql.append(f"DROP TRIGGER IF EXISTS {prefix}_{op} ON {table};")
            sql.append(f"DROP FUNCTION IF EXISTS {prefix}_{op}();")
    sql.append("DROP TRIGGER IF EXISTS publicity_entry_finding_count_truncate ON publicity_entry;")
    sql.append(
        "DROP TRIGGER IF EXISTS publicity_entry_further_finding_count_truncate "
        "ON publicity_entry_further_findings;"
    )
    sql.append("DROP FUNCTION IF EXISTS publicity_finding_count_truncated();")
    sql.append("UPDATE registry_finding SET in_entries = 0 WHERE in_entries <> 0;")
    return "\n".join(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0018_site_tallies"),
        ("registry", "0009_finding_in_entries"),
    ]

    operations = [
        migrations.RunSQL(create_sql() + TRUNCATE + BACKFILL, drop_sql()),
    ]
