"""A finding's count of the entries that carry it (kept by publicity's triggers, migration
publicity/0019) and the partial index of the findings awaiting a batch: proposed for publicity
and in no entry. The dashboard reads its newest rows and a bounded count from this index
instead of an anti-join of every finding with every entry."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_enterprise_import_rows"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="in_entries",
            field=models.PositiveIntegerField(
                db_default=0, editable=False, verbose_name="所在曝光条目数"
            ),
        ),
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                condition=models.Q(("in_entries", 0), ("proposed_for_publicity", True)),
                fields=["-id"],
                name="finding_awaiting_batch",
            ),
        ),
    ]
