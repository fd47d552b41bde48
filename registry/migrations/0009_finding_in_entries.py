"""A finding's count of the entries that carry it, kept by publicity's triggers (migration
publicity/0019, which also fills it in); the partial index on it follows in registry/0010."""

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
    ]
