"""The statistics page's figures kept by the database, as the home page's are (migration 0018):
a fourth tally, published entries by district, industry, disposition and year of publication
(``publicity_entryfiguretally``), and the case tally's rows without a deadline split by
whether a finished case was closed on or before its deadline (``on_time``).

The statistics page grouped every published entry four times and joined every case to its
entry on the first visit after any change: 5.3 s over a million entries. From the tallies
it reads a few thousand rows.

The trigger functions of 0018 are replaced (CREATE OR REPLACE: the triggers stay) by the same
functions with the new columns, under a lock that holds writes to entries and cases until
this migration commits; then the case tally is counted afresh with its new column and the new
tally filled. Reversed, 0018's functions come back and the case tally is counted as 0018 did.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

OLD = importlib.import_module("publicity.migrations.0018_site_tallies")

PUBLISHED = OLD.PUBLISHED
ACTIVE = OLD.ACTIVE
FINISHED = "('rectified', 'closure_verified')"

ENTRY_COLUMNS = "district_id, status, enterprise_id, case_id, industry_id, disposition, published_on"
CASE_COLUMNS = "id, status, deadline, closed_on"

# A finished case closed on or before its deadline (never NULL: a key of the tally).
ON_TIME = f"COALESCE({{c}}.status IN {FINISHED} AND {{c}}.closed_on <= {{c}}.deadline, false)"

# As 0018's, each case of rows (district_id, status, due, on_time, n) in a row without
# deadline (with on_time), an active one also in a row with its deadline.
CASE_TALLY_INSERT = """
    INSERT INTO publicity_casetally (district_id, status, deadline, on_time, cases)
    SELECT district_id, status, deadline, on_time, sum(n) FROM (
        SELECT district_id, status, NULL::date AS deadline, on_time, n FROM counted
        UNION ALL
        SELECT district_id, status, due, false, n FROM counted WHERE due IS NOT NULL
    ) AS keyed
    GROUP BY district_id, status, deadline, on_time HAVING sum(n) <> 0;
"""

ENTRY_TRIGGER = """
CREATE OR REPLACE FUNCTION publicity_entry_tally_{op}() RETURNS trigger AS $$
DECLARE
    units bigint;
    emptied bigint[];
BEGIN
    -- Entries by district and status.
    INSERT INTO publicity_entrytally (district_id, status, entries)
    SELECT district_id, status, sum(sign) FROM ({changes}) AS c
    GROUP BY district_id, status HAVING sum(sign) <> 0;

    -- Published entries by district, industry, disposition and year (the statistics).
    INSERT INTO publicity_entryfiguretally (district_id, industry_id, disposition, year, entries)
    SELECT district_id, industry_id, disposition, year, sum(sign) FROM (
        SELECT sign, district_id, industry_id, disposition,
               date_part('year', published_on)::int AS year
        FROM ({changes}) AS c WHERE status IN {published}
    ) AS c
    GROUP BY district_id, industry_id, disposition, year HAVING sum(sign) <> 0;

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
               CASE WHEN c.status IN {active} THEN c.deadline END AS due,
               {on_time_c} AS on_time, moved.n
        FROM moved JOIN rectification_case AS c ON c.id = moved.case_id
        ORDER BY c.id FOR SHARE OF c
    )
    {case_tally_insert}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

CASE_TRIGGER = """
CREATE OR REPLACE FUNCTION publicity_case_tally_{op}() RETURNS trigger AS $$
BEGIN
    -- The cases whose status, deadline while active, or being on time when finished the
    -- statement changed (an update of anything else cancels out here), under the district
    -- of their published entry.
    WITH moved AS (
        SELECT id, status, due, on_time, sum(sign) AS n FROM (
            SELECT sign, id, status, CASE WHEN status IN {active} THEN deadline END AS due,
                   {on_time_c} AS on_time
            FROM ({changes}) AS c
        ) AS c
        GROUP BY id, status, due, on_time HAVING sum(sign) <> 0
    ), counted AS (
        SELECT entry.district_id, moved.status, moved.due, moved.on_time, moved.n
        FROM moved JOIN publicity_entry AS entry
            ON entry.case_id = moved.id AND entry.status IN {published}
    )
    {case_tally_insert}
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def functions(prefix, template, columns):
    return "\n".join(
        template.format(
            op=op,
            changes=OLD.changes(op, columns),
            published=PUBLISHED,
            active=ACTIVE,
            on_time_c=ON_TIME.format(c="c"),
            case_tally_insert=CASE_TALLY_INSERT,
        )
        for op in ("insert", "update", "delete")
    )


TRUNCATE = """
CREATE OR REPLACE FUNCTION publicity_tally_truncated() RETURNS trigger AS $$
BEGIN
    IF TG_TABLE_NAME = 'publicity_entry' THEN
        DELETE FROM publicity_entrytally;
        DELETE FROM publicity_entryfiguretally;
        DELETE FROM publicity_exposedunit;
        DELETE FROM publicity_exposedunittally;
    END IF;
    DELETE FROM publicity_casetally;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

# Writes to entries and cases wait until the migration commits.
LOCK = "LOCK TABLE publicity_entry, rectification_case IN SHARE ROW EXCLUSIVE MODE;"

BACKFILL = f"""
DELETE FROM publicity_casetally;
INSERT INTO publicity_casetally (district_id, status, deadline, on_time, cases)
SELECT entry.district_id, c.status, NULL, {ON_TIME.format(c="c")}, count(*)
FROM publicity_entry AS entry JOIN rectification_case AS c ON c.id = entry.case_id
WHERE entry.status IN {PUBLISHED}
GROUP BY 1, 2, 4
UNION ALL
SELECT entry.district_id, c.status, c.deadline, false, count(*)
FROM publicity_entry AS entry JOIN rectification_case AS c ON c.id = entry.case_id
WHERE entry.status IN {PUBLISHED} AND c.status IN {ACTIVE}
GROUP BY entry.district_id, c.status, c.deadline;

INSERT INTO publicity_entryfiguretally (district_id, industry_id, disposition, year, entries)
SELECT district_id, industry_id, disposition, date_part('year', published_on)::int, count(*)
FROM publicity_entry WHERE status IN {PUBLISHED}
GROUP BY 1, 2, 3, 4;
"""

FORWARD = "\n".join(
    [
        LOCK,
        functions("publicity_entry_tally", ENTRY_TRIGGER, ENTRY_COLUMNS),
        functions("publicity_case_tally", CASE_TRIGGER, CASE_COLUMNS),
        TRUNCATE,
        BACKFILL,
    ]
)


def _old_functions():
    """0018's functions, to put back (CREATE OR REPLACE: its triggers never left)."""
    replace = "CREATE OR REPLACE FUNCTION"
    parts = []
    for template, columns in [
        (OLD.ENTRY_TRIGGER, OLD.ENTRY_COLUMNS),
        (OLD.CASE_TRIGGER, OLD.CASE_COLUMNS),
    ]:
        for op in ("insert", "update", "delete"):
            parts.append(
                template.format(
                    op=op,
                    changes=OLD.changes(op, columns),
                    published=PUBLISHED,
                    active=ACTIVE,
                    case_tally_insert=OLD.CASE_TALLY_INSERT,
                ).replace("CREATE FUNCTION", replace)
            )
    truncate = OLD.TRUNCATE.split("CREATE TRIGGER")[0].replace("CREATE FUNCTION", replace)
    return "\n".join(parts + [truncate])


# The case tally's rows keyed as 0018 keys them (on_time merged away before the column goes).
BACKWARD = "\n".join(
    [
        LOCK,
        _old_functions(),
        "DELETE FROM publicity_casetally;",
        "INSERT INTO publicity_casetally" + OLD.BACKFILL.split("INSERT INTO publicity_casetally")[1],
    ]
)


class Migration(migrations.Migration):

    dependencies = [
        ('publicity', '0020_entry_district_indexes'),
        ('registry', '0011_enterprise_credit_code_prefix_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='casetally',
            name='on_time',
            field=models.BooleanField(db_default=False, verbose_name='按期完成'),
        ),
        migrations.CreateModel(
            name='EntryFigureTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('disposition', models.CharField(choices=[('banned', '依法取缔'), ('suspended_for_overhaul', '责令停产停业整顿'), ('work_stopped', '停工整改'), ('rectify_by_deadline', '限期整改'), ('suspended', '停产停业'), ('closed', '依法关闭')], max_length=32, verbose_name='处理措施')),
                ('year', models.IntegerField(blank=True, null=True, verbose_name='年度')),
                ('entries', models.BigIntegerField(verbose_name='条目数')),
                ('district', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.jurisdiction', verbose_name='县区')),
                ('industry', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='registry.industry', verbose_name='行业')),
            ],
            options={
                'verbose_name': '公示条目统计计数',
                'verbose_name_plural': '公示条目统计计数',
            },
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
