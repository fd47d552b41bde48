"""The roles that act on a case in its scope moderate its unit's replies: inspectors and
officials (their area's cases) and department liaisons (their department's). Only
additions. The role groups are created by publicity/0002_roles, which sets each group's
permissions outright: this runs after it (a dependency on the migration only, not on the
publicity app's code), so the grant is not overwritten."""

from django.db import migrations

ROLES = ["inspector", "official", "department_liaison"]
CODENAME = "moderate_reply"


def _permission(apps):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("rectification")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = original
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(content_type__app_label="rectification", codename=CODENAME)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permission = _permission(apps)
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="rectification", codename=CODENAME
    ).first()
    if permission is not None:
        for group in Group.objects.filter(name__in=ROLES):
            group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0005_unit_reply"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("publicity", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
