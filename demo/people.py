"""The demo's cast (demo/data/cast.json, and the province's and Heyuan's in their own files):
users in their role groups with staff profiles."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User

from core import roles
from demo import tables
from demo.base import DemoBase, require
from demo.tables import DemoUser
from registry.models import Department, Jurisdiction, StaffProfile


@cache
def _password_hash() -> str:
    # One hash for all: hashing is slow on purpose (~0.3 s each), and these are demo logins
    # that share a published password anyway.
    return make_password(tables.DEMO_PASSWORD)


def staff_create(
    specs: Sequence[DemoUser],
    *,
    phone: str,
    jurisdictions: dict[str, Jurisdiction],
    departments: dict[str, Department],
) -> dict[str, User]:
    """The users of ``specs`` in their role groups, each with a staff profile in their
    jurisdiction (and department); by username."""
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL)}
    user_model = get_user_model()
    users = {}
    for spec in specs:
        user = user_model.objects.create(
            username=spec.username,
            password=_password_hash(),
            last_name=spec.last_name,
            first_name=spec.first_name,
            email=f"{spec.username}@gongshi.example",
            is_staff=True,
            is_superuser=spec.role == roles.ADMINISTRATOR,
        )
        user.groups.add(groups[spec.role])
        jurisdiction = require(jurisdictions, spec.jurisdiction_code, "jurisdiction")
        department = (
            require(departments, spec.department_code, "department")
            if spec.department_code
            else None
        )
        StaffProfile.objects.create(
            user=user, jurisdiction=jurisdiction, department=department, phone=phone
        )
        users[spec.username] = user
    return users


class PeopleMixin(DemoBase):
    def create_users(
        self, specs: Sequence[DemoUser] = tables.USERS, *, phone: str = "0752-12350"
    ) -> None:
        created = staff_create(
            specs, phone=phone, jurisdictions=self.jurisdictions, departments=self.departments
        )
        self.users.update(created)
        for spec in specs:
            if spec.role == roles.LIAISON and spec.department_code:
                self.liaisons[spec.department_code] = created[spec.username]
