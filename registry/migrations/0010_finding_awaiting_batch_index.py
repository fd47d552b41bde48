"""The partial index of the findings awaiting a batch: proposed for publicity and in no
entry (``in_entries``, filled in by publicity/0019). The dashboard reads its newest rows and
a count that stops early from it, instead of an anti-join of every finding with every entry.

Built after the backfill, so it holds only what waits now (built before, it would keep an
entry for every finding the backfill moved out of it until the table is vacuumed).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_finding_in_entries"),
        ("publicity", "0019_finding_in_entries_kept"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="finding",
            index=models.Index(
                condition=models.Q(("in_entries", 0), ("proposed_for_publicity", True)),
                fields=["-id"],
                name="finding_awaiting_batch",
            ),
        ),
    ]
