"""序号 as printed: a column of its own, given at finalisation, instead of the composing
position (which still counts the entries an upheld objection took out).

Entries of finalised and published batches get the numbers their notice printed: those not
withdrawn on objection, 1, 2, 3 in position order (how the notice numbered its rows). The
trigger that freezes published entries (0004) is set aside for this one statement only.
"""

from django.db import migrations, models

BACKFILL = r"""
ALTER TABLE publicity_entry DISABLE TRIGGER publicity_entry_published_immutable;
UPDATE publicity_entry AS entry
   SET printed_number = printed.number
  FROM (
    SELECT e.id,
           row_number() OVER (PARTITION BY e.batch_id ORDER BY e.position) AS number
      FROM publicity_entry AS e
      JOIN publicity_batch AS b ON b.id = e.batch_id
     WHERE b.status IN ('finalised', 'published')
       AND e.status <> 'withdrawn_on_objection'
  ) AS printed
 WHERE printed.id = entry.id;
ALTER TABLE publicity_entry ENABLE TRIGGER publicity_entry_published_immutable;
"""


class Migration(migrations.Migration):
    dependencies = [("publicity", "0011_entry_credit_code_snapshot")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="printed_number",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="序号"),
        ),
        migrations.AlterField(
            model_name="entry",
            name="position",
            field=models.PositiveIntegerField(verbose_name="排列顺序"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.UniqueConstraint(
                fields=("batch", "printed_number"), name="entry_printed_number_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status__in", ["listed", "removed", "withdrawn_by_erratum"]),
                        _negated=True,
                    ),
                    ("printed_number__isnull", False),
                    _connector="OR",
                ),
                name="entry_published_has_printed_number",
            ),
        ),
    ]
