"""Keep ``registry_finding.in_entries`` (how many entries carry a finding) in step with the
entry tables: statement-level triggers with transition tables on ``publicity_entry`` (its
principal ``finding_id``) and ``publicity_entry_further_findings``, for every INSERT, UPDATE,
DELETE and TRUNCATE, whoever writes (the services, the demo loader, the benchmark's
generator). As with the case tally (0018), the layer above keeps the fact the layer below
reads: the registry's "findings awaiting a batch" is a partial index on it
(registry/0010), and the registry never learns of entries.

The triggers are created before the backfill in the same transaction: CREATE TRIGGER locks
both tables against writes until the migration commits, so nothing written meanwhile is
missed or counted twice.
"""

from django.db import migrations

REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def changes(op):
    new = "SELECT 1 AS sign, finding_id FROM new_rows"
    old = "SELECT -1 AS sign, finding_id FROM old_rows"
    return {"insert": new, "delete": old, "update": f"{old} UNION ALL {new}"}[op]


TRIGGER = """
CREATE FUNCTION {prefix}_{op}() RETURNS trigger AS $$
BEGIN
    -- Each finding the statement put into or took out of an entry, once (an update of
    -- anything but the finding cancels out here), updated in the order of the ids.
    UPDATE registry_finding AS f SET in_entries = f.in_entries + moved.n
    FROM (
        SELECT finding_id, sum(sign) AS n FROM ({changes}) AS c
        GROUP BY finding_id HAVING sum(sign) <> 0 ORDER BY finding_id
    ) AS moved
    WHERE f.id = moved.finding_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {prefix}_{op} AFTER {OP} ON {table} {referencing}
    FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_{op}();
"""

TABLES = {
    "publicity_entry": "publicity_entry_finding_count",
    "publicity_entry_further_findings": "publicity_entry_further_finding_count",
}


def create_sql():
    sql = []
    for table, prefix in TABLES.items():
        for op in ("insert", "update", "delete"):
            sql.append(
                TRIGGER.format(
                    prefix=prefix,
                    op=op,
                    OP=op.upper(),
                    table=table,
                    referencing=REFERENCING[op],
                    changes=changes(op),
                )
            )
    return "\n".join(sql)


# TRUNCATE of an entry table takes its findings out of every entry it held (a test
# database's flush truncates the findings too: this then updates nothing).
TRUNCATE = """
CREATE FUNCTION publicity_finding_count_truncated() RETURNS trigger AS $$
BEGIN
    UPDATE registry_finding AS f SET in_entries = (
        SELECT count(*) FROM publicity_entry AS e WHERE e.finding_id = f.id
    ) + (
        SELECT count(*) FROM publicity_entry_further_findings AS ff WHERE ff.finding_id = f.id
    )
    WHERE f.in_entries <> 0;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER publicity_entry_finding_count_truncate AFTER TRUNCATE ON publicity_entry
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_finding_count_truncated();
CREATE TRIGGER publicity_entry_further_finding_count_truncate
    AFTER TRUNCATE ON publicity_entry_further_findings
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_finding_count_truncated();
"""

BACKFILL = """
UPDATE registry_finding AS f SET in_entries = carried.n
FROM (
    SELECT finding_id, count(*) AS n FROM (
        SELECT finding_id FROM publicity_entry
        UNION ALL
        SELECT finding_id FROM publicity_entry_further_findings
    ) AS held
    GROUP BY finding_id
) AS carried
WHERE f.id = carried.finding_id;
"""


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
