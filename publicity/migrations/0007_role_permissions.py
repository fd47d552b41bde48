"""The role groups gain the permissions of the workflow tables' moves (core.workflow), which
replaced checks of group names in code: editing a group in the admin now changes what its
members may do. Only additions; 0002_roles holds the rest.
"""

from django.db import migrations

GRANTS: dict[str, list[str]] = {
    "inspector": [
        "rectification.reinspect_case",
        "rectification.issue_case_letter",
        "rectification.view_area_cases",
    ],
    "official": [
        "rectification.extend_case_deadline",
        "rectification.view_area_cases",
        "publicity.remove_entry_early",
    ],
    "department_liaison": [
        "rectification.record_case_progress",
        "rectification.issue_case_letter",
    ],
    "supervisor": [
        "rectification.supervise_case",
        "rectification.view_area_cases",
    ],
    # The working-day calendar (core): a new year is entered when the State Council
    # publishes its holiday notice.
    "administrator": [
        # The Django admin is for administrators (core.admin_site).
        "core.use_admin",
        *(
            f"core.{action}_{model}"
            for model in ("calendaryear", "calendarday")
            for action in ("view", "add", "change", "delete")
        ),
    ],
}


def _permissions(apps, codes):
    Permission = apps.get_model("auth", "Permission")
    for code in codes:
        app_label, codename = code.split(".")
        yield Permission.objects.get(content_type__app_label=app_label, codename=codename)


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    for role, codes in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.add(*_permissions(apps, codes))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, codes in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, codes))


class Migration(migrations.Migration):
    dependencies = [
        ("publicity", "0006_workflow_states"),
        ("rectification", "0004_workflow_permissions"),
        ("core", "0003_access"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
