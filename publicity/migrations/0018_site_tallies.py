"""The home page's figures kept by the database (the issue: "maintained counters rather than
counting 1M rows").

Four tables (publicity.models: EntryTally, CaseTally, ExposedUnit, ExposedUnitTally) and
statement-level triggers with transition tables on ``publicity_entry`` and
``rectification_case`` that keep them in step with every INSERT, UPDATE, DELETE and TRUNCATE,
whoever writes: the services, set-based SQL (the end of term, the reminder sweep), the demo
loader and the benchmark's generator.

- The tallies are ledgers: a statement appends one row per key it changed, +n or −n, and
  never updates a row, so two transactions never wait for each other on a counter (an upsert
  of a shared "listed" row would hold it from a batch's first entry to its commit, and two
  such transactions could deadlock). ``site_tallies_compact`` (beat) merges each key's rows.
- ``publicity_exposedunit`` is the one table updated in place, a row per unit (upserted in
  the order of the units' ids): only publishing changes it.
- ``publicity_casetally`` joins an entry's district to its case's status and deadline. The
  case's side is kept by a trigger on ``rectification_case`` that belongs to publicity (the
  layer above: rectification never learns of it, as with ``case_changed``). The entry's side
  reads the case under a share lock, so a case moved by another transaction at the same
  moment is counted as that transaction left it.

The rules below are those of the enums: published entries are ``EntryStatus.published()``
(listed, removed, withdrawn by erratum), active cases ``CaseStatus.active()`` (open,
re-inspection requested). ``manage.py recount_site_tallies`` counts from the enums; the tests
compare it with the tallies after the workflows.

The triggers are created before the backfill in the same transaction: CREATE TRIGGER locks
both tables against writes until the migration commits, so nothing written meanwhile is
missed or counted twice.
"""

import django.db.models.deletion
from django.db import migrations, models

PUBLISHED = "('listed', 'removed', 'withdrawn_by_erratum')"
ACTIVE = "('open', 'reinspection_requested')"

# The statement's rows, +1 as they are now and −1 as they were (for an INSERT trigger only
# NEW TABLE exists, for a DELETE trigger only OLD TABLE).
ENTRY_COLUMNS = "district_id, status, enterprise_id, case_id"
CASE_COLUMNS = "id, status, deadline"


def changes(op, columns):
    new = f"SELECT 1 AS sign, {columns} FROM new_rows"
    old = f"SELECT -1 AS sign, {columns} FROM old_rows"
    return {"insert": new, "delete": old, "update": f"{old} UNION ALL {new}"}[op]


# The cases of published entries, from rows (district_id, status, due, n): each in a row
# without deadline, an active one (due is its deadline) also in a row with it.
CASE_TALLY_INSERT = """
    INSERT INTO publicity_casetally (district_id, status, deadline, cases)
    SELECT district_id, status, deadline, sum(n) FROM (
        SELECT district_id, status, NULL::date AS deadline, n FROM counted
        UNION ALL
        SELECT district_id, status, due, n FROM counted WHERE due IS NOT NULL
    ) AS keyed
    GROUP BY district_id, status, deadline HAVING sum(n) <> 0;
"""

ENTRY_TRIGGER = """
CREATE FUNCTION publicity_entry_tally_{op}() RETURNS trigger AS $$
DECLARE
    units bigint;
    emptied bigint[];
BEGIN
    -- Entries by district and status.
    INSERT INTO publicity_entrytally (district_id, status, entries)
    SELECT district_id, status, sum(sign) FROM ({changes}) AS c
    GROUP BY district_id, status HAVING sum(sign) <> 0;

    -- Published entries by unit, upserted in the order of the units' ids; a unit is exposed
    -- while it has one.
    WITH delta AS (
        SELECT enterprise_id, sum(sign) AS entries FROM ({changes}) AS c
        WHERE status IN {published}
        GROUP BY enterprise_id HAVING sum(sign) <> 0
    ), counted AS (
        INSERT INTO publicity_exposedunit AS unit (enterprise_id, entries)
        SELECT enterprise_id, entries FROM delta ORDER BY enterprise_id
        ON CONFLICT (enterprise_id) DO UPDATE SET entries = unit.entries + EXCLUDED.entries
        RETURNING unit.enterprise_id, unit.entries
    )
    SELECT sum((counted.entries > 0)::int - (counted.entries - delta.entries > 0)::int),
           array_agg(counted.enterprise_id) FILTER (WHERE counted.entries = 0)
    INTO units, emptied
    FROM counted JOIN delta USING (enterprise_id);
    IF units <> 0 THEN
        INSERT INTO publicity_exposedunittally (units) VALUES (units);
    END IF;
    IF emptied IS NOT NULL THEN
        DELETE FROM publicity_exposedunit WHERE enterprise_id = ANY (emptied) AND entries = 0;
    END IF;

    -- The cases of the published entries that gained or lost a case, a district or their
    -- publication (publishing gives an entry its case), read under a share lock: a case that
    -- another transaction is moving is read once that transaction ended, as it left it.
    WITH moved AS (
        SELECT district_id, case_id, sum(sign) AS n FROM ({changes}) AS c
        WHERE status IN {published} AND case_id IS NOT NULL
        GROUP BY district_id, case_id HAVING sum(sign) <> 0
    ), counted AS (
        SELECT moved.district_id, c.status,
               CASE WHEN c.status IN {active} THEN c.deadline END AS due, moved.n
        FROM moved JOIN rectification_case AS c ON c.id = moved.case_id
        ORDER BY c.id FOR SHARE OF c
    )
    {case_tally_insert}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

CASE_TRIGGER = """
CREATE FUNCTION publicity_case_tally_{op}() RETURNS trigger AS $$
BEGIN
    -- The cases whose status, or deadline while active, the statement changed (an update of
    -- anything else cancels out here), under the district of their published entry.
    WITH moved AS (
        SELECT id, status, due, sum(sign) AS n FROM (
            SELECT sign, id, status, CASE WHEN status IN {active} THEN deadline END AS due
            FROM ({changes}) AS c
        ) AS c
        GROUP BY id, status, due HAVING sum(sign) <> 0
    ), counted AS (
        SELECT entry.district_id, moved.status, moved.due, moved.n
        FROM moved JOIN publicity_entry AS entry
            ON entry.case_id = moved.id AND entry.status IN {published}
    )
    {case_tally_insert}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

REFERENCING = {
    "insert": "REFERENCING NEW TABLE AS new_rows",
    "update": "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "REFERENCING OLD TABLE AS old_rows",
}


def triggers(table, prefix, template, columns):
    sql = []
    for op in ("insert", "update", "delete"):
        sql.append(
            template.format(
                op=op,
                changes=changes(op, columns),
                published=PUBLISHED,
                active=ACTIVE,
                case_tally_insert=CASE_TALLY_INSERT,
            )
        )
        sql.append(
            f"CREATE TRIGGER {prefix}_{op} AFTER {op.upper()} ON {table} {REFERENCING[op]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {prefix}_{op}();"
        )
    return "\n".join(sql)


# TRUNCATE empties the tallies of what it emptied (a test database's flush truncates every
# table at once, the tallies included: this then deletes nothing).
TRUNCATE = """
CREATE FUNCTION publicity_tally_truncated() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'publicity_entry' THEN
        DELETE FROM publicity_entrytally;
        DELETE FROM publicity_exposedunit;
        DELETE FROM publicity_exposedunittally;
    END IF;
    DELETE FROM publicity_casetally;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER publicity_entry_tally_truncate AFTER TRUNCATE ON publicity_entry
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_tally_truncated();
CREATE TRIGGER publicity_case_tally_truncate AFTER TRUNCATE ON rectification_case
    FOR EACH STATEMENT EXECUTE FUNCTION publicity_tally_truncated();
"""

BACKFILL = f"""
INSERT INTO publicity_entrytally (district_id, status, entries)
SELECT district_id, status, count(*) FROM publicity_entry GROUP BY district_id, status;

INSERT INTO publicity_exposedunit (enterprise_id, entries)
SELECT enterprise_id, count(*) FROM publicity_entry WHERE status IN {PUBLISHED}
GROUP BY enterprise_id;

INSERT INTO publicity_exposedunittally (units)
SELECT count(*) FROM publicity_exposedunit HAVING count(*) > 0;

INSERT INTO publicity_casetally (district_id, status, deadline, cases)
SELECT entry.district_id, c.status, NULL, count(*)
FROM publicity_entry AS entry JOIN rectification_case AS c ON c.id = entry.case_id
WHERE entry.status IN {PUBLISHED}
GROUP BY entry.district_id, c.status
UNION ALL
SELECT entry.district_id, c.status, c.deadline, count(*)
FROM publicity_entry AS entry JOIN rectification_case AS c ON c.id = entry.case_id
WHERE entry.status IN {PUBLISHED} AND c.status IN {ACTIVE}
GROUP BY entry.district_id, c.status, c.deadline;
"""

FORWARD = "\n".join(
    [
        triggers("publicity_entry", "publicity_entry_tally", ENTRY_TRIGGER, ENTRY_COLUMNS),
        triggers("rectification_case", "publicity_case_tally", CASE_TRIGGER, CASE_COLUMNS),
        TRUNCATE,
        BACKFILL,
    ]
)

BACKWARD = "\n".join(
    [
        f"DROP TRIGGER IF EXISTS {prefix}_{op} ON {table}; DROP FUNCTION IF EXISTS {prefix}_{op}();"
        for table, prefix in [
            ("publicity_entry", "publicity_entry_tally"),
            ("rectification_case", "publicity_case_tally"),
        ]
        for op in ("insert", "update", "delete")
    ]
    + [
        "DROP TRIGGER IF EXISTS publicity_entry_tally_truncate ON publicity_entry;",
        "DROP TRIGGER IF EXISTS publicity_case_tally_truncate ON rectification_case;",
        "DROP FUNCTION IF EXISTS publicity_tally_truncated();",
    ]
)


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0017_export_job'),
        ('registry', '0006_reference_data_english_names'),
        ('rectification', '0010_event_shows_its_reminder'),
    ]

    operations = [
        migrations.CreateModel(
            name='ExposedUnit',
            fields=[
                ('enterprise', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='registry.enterprise', verbose_name='单位')),
                ('entries', models.IntegerField(verbose_name='条目数')),
            ],
            options={
                'verbose_name': '已曝光单位',
                'verbose_name_plural': '已曝光单位',
            },
        ),
        migrations.CreateModel(
            name='ExposedUnitTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('units', models.BigIntegerField(verbose_name='单位数')),
            ],
            options={
                'verbose_name': '已曝光单位计数',
                'verbose_name_plural': '已曝光单位计数',
            },
        ),
        migrations.CreateModel(
            name='EntryTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('planned', '拟曝光'), ('withdrawn_on_objection', '异议成立，撤出'), ('listed', '公示中'), ('withdrawn_by_erratum', '经更正撤回'), ('removed', '公示期满移出')], max_length=32, verbose_name='状态')),
                ('entries', models.BigIntegerField(verbose_name='条目数')),
                ('district', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.jurisdiction', verbose_name='县区')),
            ],
            options={
                'verbose_name': '曝光条目计数',
                'verbose_name_plural': '曝光条目计数',
            },
        ),
        migrations.CreateModel(
            name='CaseTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('open', '整改中'), ('reinspection_requested', '已申请复查'), ('rectified', '已整改'), ('closure_verified', '已核实关停'), ('cancelled', '已撤销')], max_length=32, verbose_name='状态')),
                ('deadline', models.DateField(blank=True, null=True, verbose_name='整改期限')),
                ('cases', models.BigIntegerField(verbose_name='整改跟踪数')),
                ('district', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.jurisdiction', verbose_name='县区')),
            ],
            options={
                'verbose_name': '整改跟踪计数',
                'verbose_name_plural': '整改跟踪计数',
                'indexes': [models.Index(fields=['deadline'], name='case_tally_deadline')],
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
