"""A province above its cities (issue "One deployment for a province"): the province level,
and the rule that the tree's root is a province or a city (a one-city deployment's stays its
city). Jurisdiction.save moves a node's subtree with it when a city is put under its
province."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0012_authority"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="jurisdiction",
            name="jurisdiction_only_city_is_root",
        ),
        migrations.AlterField(
            model_name="jurisdiction",
            name="level",
            field=models.CharField(
                choices=[
                    ("province", "省"),
                    ("city", "市"),
                    ("district", "县区"),
                    ("township", "乡镇街道"),
                ],
                max_length=16,
                verbose_name="层级",
            ),
        ),
        migrations.AddConstraint(
            model_name="jurisdiction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("level__in", ["province", "city"]), ("parent__isnull", True)),
                    models.Q(
                        models.Q(("level", "province"), _negated=True), ("parent__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="jurisdiction_root_is_province_or_city",
            ),
        ),
    ]
