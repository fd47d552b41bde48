"""Where a case's findings were found (issue 19): ``Case.place``, copied from its principal
finding's inspection when the case opens, so staff are scoped to cases by one indexed column.

Every case so far is of an inspection made where its unit is registered
(registry/0015 filled ``Inspection.place`` so): the column is filled from the enterprise's
jurisdiction, then made required, with the active cases' index by place for the district
queues. Reversed, the index and the column go.
"""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = """
UPDATE rectification_case AS c SET place_id = e.jurisdiction_id
FROM registry_enterprise AS e
WHERE e.id = c.enterprise_id AND c.place_id IS NULL;
-- The new column's foreign key is checked at commit; check it now, so the ALTER TABLE
-- below finds no pending trigger events.
SET CONSTRAINTS ALL IMMEDIATE;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0015_reminder_undeliverable_latest"),
        ("registry", "0015_inspection_place"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="place",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="registry.jurisdiction",
                verbose_name="检查地点",
            ),
        ),
        migrations.RunSQL(BACKFILL, reverse_sql=migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="case",
            name="place",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="registry.jurisdiction",
                verbose_name="检查地点",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["open", "reinspection_requested"])
                ),
                fields=["place", "deadline"],
                include=["status", "escalated_at"],
                name="case_active_by_place",
            ),
        ),
    ]
