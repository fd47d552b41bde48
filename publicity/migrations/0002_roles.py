"""The staff roles as groups with their permissions (DESIGN.md, "People").

This is a frozen copy: a later change to a role is a new migration, not an edit here.
"""

from django.db import migrations

V, A, C, D = "view", "add", "change", "delete"

REFERENCE = [("registry", m) for m in ("jurisdiction", "industry", "department", "legalprovision")]

ROLES: dict[str, list[str]] = {
    "inspector": [
        *[f"{app}.{V}_{m}" for app, m in REFERENCE],
        *[f"registry.{p}_{m}" for m in ("enterprise", "inspection", "finding", "evidence", "accident")
          for p in (V, A, C)],
        *[f"publicity.{p}_{m}" for m in ("batch", "entry") for p in (V, A, C)],
        "publicity.view_batchtransition",
        "publicity.view_objection", "publicity.add_objection",
        "publicity.view_erratum", "publicity.add_erratum",
        "publicity.view_mediareport", "publicity.add_mediareport", "publicity.change_mediareport",
        "rectification.view_case", "rectification.view_event", "rectification.add_event",
        "rectification.view_eventevidence", "rectification.add_eventevidence",
    ],
    "official": [
        *[f"{app}.{V}_{m}" for app, m in REFERENCE],
        *[f"registry.{V}_{m}" for m in ("enterprise", "inspection", "finding", "evidence", "accident")],
        "publicity.view_batch", "publicity.change_batch", "publicity.approve_batch",
        "publicity.publish_batch", "publicity.view_batchtransition", "publicity.view_entry",
        "publicity.view_objection", "publicity.add_objection", "publicity.decide_objection",
        "publicity.view_erratum", "publicity.add_erratum", "publicity.approve_erratum",
        "publicity.view_mediareport", "publicity.add_mediareport",
        "publicity.view_submission", "publicity.change_submission",
        "rectification.view_case", "rectification.change_case", "rectification.view_event",
        "rectification.add_event", "rectification.view_eventevidence",
    ],
    "department_liaison": [
        *[f"{app}.{V}_{m}" for app, m in REFERENCE],
        "registry.view_enterprise", "registry.view_finding",
        "publicity.view_entry",
        "rectification.view_case", "rectification.view_event", "rectification.add_event",
        "rectification.view_eventevidence", "rectification.add_eventevidence",
    ],
    "supervisor": [
        *[f"{app}.{V}_{m}" for app, m in REFERENCE],
        "registry.view_enterprise", "registry.view_finding", "registry.view_accident",
        "publicity.view_batch", "publicity.view_entry",
        "rectification.view_case", "rectification.view_event", "rectification.add_event",
        "rectification.view_eventevidence", "rectification.view_reminder",
    ],
    "administrator": [
        *[f"{app}.{p}_{m}" for app, m in REFERENCE for p in (V, A, C, D)],
        *[f"registry.{p}_staffprofile" for p in (V, A, C, D)],
        *[f"auth.{p}_user" for p in (V, A, C)],
        "auth.view_group",
        "publicity.view_submission", "publicity.change_submission",
        "publicity.view_submitter_identity",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create them now
    # so the groups can hold them on a fresh database.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, and create_permissions skips those;
        # restore the value after, since this also runs on the live registry (tests/conftest.py).
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(Permission.objects.get(content_type__app_label=app_label,
                                                codename=codename))
        group.permissions.set(perms)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0001_initial"),
        ("rectification", "0001_initial"),
        ("registry", "0002_reference_data"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
