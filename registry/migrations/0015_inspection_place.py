"""Where an inspection took place (issue 19): ``Inspection.place``.

The enterprise register is the province's, one row per credit code, so a unit registered in
one city may be inspected in another; what the inspection found belongs to the place it was
found. Every inspection so far was made where its unit is registered: the column is filled
from the enterprise's jurisdiction, then made required. Reversed, the column goes (nothing
else holds it).
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE registry_inspection AS i SET place_id = e.jurisdiction_id
FROM registry_enterprise AS e
WHERE e.id = i.enterprise_id AND i.place_id IS NULL;
-- The new column's foreign key is checked at commit; check it now, so the ALTER TABLE
-- below finds no pending trigger events.
SET CONSTRAINTS ALL IMMEDIATE;
"""


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_authority_site_slug")]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="place",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inspections",
                to="registry.jurisdiction",
                verbose_name="检查地点",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="inspection",
            name="place",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inspections",
                to="registry.jurisdiction",
                verbose_name="检查地点",
            ),
        ),
    ]
