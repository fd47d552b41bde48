"""The one table of role → permissions (core.roles.PERMISSIONS): what the migrated database's
groups hold, what a drifted group is put back to, and what docs/security.md prints."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from core import roles
from core.roles import PERMISSIONS, roles_markdown
from core.services import role_groups_sync

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
BEGIN, END = "<!-- roles: begin -->\n", "<!-- roles: end -->"


def held(role: str) -> set[str]:
    return {
        f"{permission.content_type.app_label}.{permission.codename}"
        for permission in Group.objects.get(name=role).permissions.select_related("content_type")
    }


def test_the_migrated_groups_hold_exactly_the_table():
    assert set(PERMISSIONS) == set(roles.ALL)
    assert {role: held(role) for role in roles.ALL} == {
        role: set(codes) for role, codes in PERMISSIONS.items()
    }
    assert role_groups_sync() == {}


def test_a_group_edited_by_hand_is_put_back_by_the_next_migrate():
    official = Group.objects.get(name=roles.OFFICIAL)
    official.permissions.remove(Permission.objects.get(codename="approve_batch"))
    official.permissions.add(Permission.objects.get(codename="view_submitter_identity"))
    own = Group.objects.create(name="统计员")
    own.permissions.add(Permission.objects.get(codename="view_entry"))

    call_command("migrate", verbosity=0)

    assert held(roles.OFFICIAL) == set(PERMISSIONS[roles.OFFICIAL])
    # A group an administrator made is not a role of the table: left as it is.
    assert [p.codename for p in Group.objects.get(name="统计员").permissions.all()] == [
        "view_entry"
    ]


def test_a_missing_group_is_made_and_the_change_is_reported():
    Group.objects.filter(name=roles.SUPERVISOR).delete()
    changed = role_groups_sync()
    assert changed == {roles.SUPERVISOR: (set(PERMISSIONS[roles.SUPERVISOR]), set())}
    assert held(roles.SUPERVISOR) == set(PERMISSIONS[roles.SUPERVISOR])


def test_a_permission_the_table_names_wrongly_is_refused():
    wrong = {**PERMISSIONS, roles.INSPECTOR: frozenset({"registry.fly_inspection"})}
    with pytest.raises(ValueError, match="registry.fly_inspection"):
        role_groups_sync(table=wrong)
    # Nothing was changed on the way.
    assert held(roles.INSPECTOR) == set(PERMISSIONS[roles.INSPECTOR])


def test_the_security_doc_prints_the_table():
    text = DOC.read_text(encoding="utf-8")
    assert text[text.index(BEGIN) + len(BEGIN) : text.index(END)] == roles_markdown()
