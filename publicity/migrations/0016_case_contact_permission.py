"""Whoever follows a case up keeps its responsible person's contact: inspectors (the whole
area) and department liaisons (their department's cases) gain
``rectification.change_case_contact`` (the CASE table's "update_contact" move)."""

from django.db import migrations

CODENAME = "change_case_contact"
ROLES = ("inspector", "department_liaison")


def _permission(apps):
    from django.contrib.auth.management import create_permissions

    # The permission is new in this release: create it now, not after the last migration.
    app_config = apps.get_app_config("rectification")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = original
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="rectification", codename=CODENAME)


def grant(apps, schema_editor):
    permission = _permission(apps)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="rectification", codename=CODENAME
    ).first()
    if permission is not None:
        for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0015_entry_responsible_contact"),
        ("rectification", "0009_case_contact_reminder_delivery"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
