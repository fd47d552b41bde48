"""Every batch belongs to an authority (issue "One deployment for a province"), and batches
are numbered per authority and year.

A one-city database's batches all become its city's authority's (registry/0012 made it from
settings), published ones included (the immutability trigger of 0004 is off for that one
update, as 0011 and 0012 did for entries). Reversing drops the column and puts back
numbering per year alone, which holds again only while one authority has numbered batches.
"""

import django.db.models.deletion
from django.db import migrations, models


def batches_to_the_city(apps, schema_editor):
    Batch = apps.get_model("publicity", "Batch")
    Authority = apps.get_model("registry", "Authority")
    if not Batch.objects.exists():
        return
    tops = list(Authority.objects.filter(jurisdiction__parent__isnull=True)[:2])
    if len(tops) != 1:
        raise RuntimeError(
            "Batches exist but there is not exactly one top authority to give them to; "
            "registry/0012 makes one from settings for a one-city database."
        )
    # A published batch refuses any change but its notice (0004's trigger): setting the new
    # column is not one, so the trigger is off for this one statement's transaction.
    schema_editor.execute(
        "ALTER TABLE publicity_batch DISABLE TRIGGER publicity_batch_published_immutable"
    )
    Batch.objects.update(authority=tops[0])
    schema_editor.execute(
        "ALTER TABLE publicity_batch ENABLE TRIGGER publicity_batch_published_immutable"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0021_statistics_tallies"),
        ("registry", "0013_province_level"),
    ]

    operations = [
        migrations.AddField(
            model_name="batch",
            name="authority",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="batches",
                to="registry.authority",
                verbose_name="公示机关",
            ),
        ),
        migrations.RunPython(batches_to_the_city, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="batch",
            name="authority",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="batches",
                to="registry.authority",
                verbose_name="公示机关",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="batch",
            name="batch_number_unique_per_year",
        ),
        migrations.AddConstraint(
            model_name="batch",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number__isnull", False)),
                fields=("authority", "year", "number"),
                name="batch_number_unique_per_authority_year",
            ),
        ),
    ]
