"""The supervisor (督查) sees the overdue and escalated cases of its area, as the design says,
not every case: the role loses ``view_area_cases`` and gains ``view_overdue_cases``
(rectification.permissions.cases_visible_to)."""

from django.db import migrations

ROLE = "supervisor"


def _permission(apps, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="rectification", codename=codename)


def narrow(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.remove(_permission(apps, "view_area_cases"))
        group.permissions.add(_permission(apps, "view_overdue_cases"))


def widen(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=ROLE).first()
    if group is not None:
        group.permissions.remove(_permission(apps, "view_overdue_cases"))
        group.permissions.add(_permission(apps, "view_area_cases"))


class Migration(migrations.Migration):
    dependencies = [("publicity", "0008_entry_unit_name_bigrams")]

    operations = [migrations.RunPython(narrow, widen)]
