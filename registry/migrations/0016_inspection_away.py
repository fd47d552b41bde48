"""Inspections made away from the unit's registered place (issue 19): ``Inspection.away``.

Staff see a unit of the province's register when it is registered in their area or was
inspected there. Nearly every inspection is made where its unit is registered, so "inspected
in the area" adds only the few made away from it; reading every inspection of the area to
find them (a city's 10,000, each unit then probed by its key) was most of the register's
page at 21 cities. The flag marks those few and a partial index on their place finds them.

The database keeps it, whoever writes: a row trigger sets it on an inspection's insert and
on a change of its place or unit, and a row trigger on the enterprise sets its inspections'
when the unit moves to another jurisdiction. The triggers come before the backfill in the
same transaction (CREATE TRIGGER locks both tables against writes until the migration
commits, so nothing written meanwhile is missed). Reversed, the triggers and their functions
go with the column.
"""

from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION registry_inspection_away() RETURNS trigger AS $$
BEGIN
    NEW.away := NEW.place_id IS DISTINCT FROM (
        SELECT jurisdiction_id FROM registry_enterprise WHERE id = NEW.enterprise_id);
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER registry_inspection_away
BEFORE INSERT OR UPDATE OF place_id, enterprise_id ON registry_inspection
FOR EACH ROW EXECUTE FUNCTION registry_inspection_away();

CREATE FUNCTION registry_enterprise_moved() RETURNS trigger AS $$
BEGIN
    UPDATE registry_inspection SET away = place_id IS DISTINCT FROM NEW.jurisdiction_id
    WHERE enterprise_id = NEW.id;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER registry_enterprise_moved
AFTER UPDATE OF jurisdiction_id ON registry_enterprise
FOR EACH ROW WHEN (OLD.jurisdiction_id IS DISTINCT FROM NEW.jurisdiction_id)
EXECUTE FUNCTION registry_enterprise_moved();

UPDATE registry_inspection AS i SET away = true
FROM registry_enterprise AS e
WHERE e.id = i.enterprise_id AND i.place_id <> e.jurisdiction_id;
"""

DROP_TRIGGERS = """
DROP TRIGGER registry_enterprise_moved ON registry_enterprise;
DROP FUNCTION registry_enterprise_moved();
DROP TRIGGER registry_inspection_away ON registry_inspection;
DROP FUNCTION registry_inspection_away();
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0015_inspection_place")]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="away",
            field=models.BooleanField(default=False, editable=False, verbose_name="异地检查"),
        ),
        migrations.RunSQL(TRIGGERS, reverse_sql=DROP_TRIGGERS),
        migrations.AddIndex(
            model_name="inspection",
            index=models.Index(
                condition=models.Q(("away", True)), fields=["place"], name="inspection_away_place"
            ),
        ),
    ]
