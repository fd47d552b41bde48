"""The demo's cast (demo/data/cast.json): users in their role groups with staff profiles."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from core import roles
from demo import tables
from demo.base import DemoBase, require
from registry.models import StaffProfile


class PeopleMixin(DemoBase):
    def create_users(self) -> None:
        # One hash for all: hashing is slow on purpose (~0.3 s each), and these are demo
        # logins that share a published password anyway.
        password = make_password(tables.DEMO_PASSWORD)
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL)}
        user_model = get_user_model()
        for spec in tables.USERS:
            user = user_model.objects.create(
                username=spec.username,
                password=password,
                last_name=spec.last_name,
                first_name=spec.first_name,
                email=f"{spec.username}@gongshi.example",
                is_staff=True,
                is_superuser=spec.role == roles.ADMINISTRATOR,
            )
            user.groups.add(groups[spec.role])
            jurisdiction = require(self.jurisdictions, spec.jurisdiction_code, "jurisdiction")
            department = (
                require(self.departments, spec.department_code, "department")
                if spec.department_code
                else None
            )
            StaffProfile.objects.create(
                user=user, jurisdiction=jurisdiction, department=department, phone="0752-12350"
            )
            self.users[spec.username] = user
            if spec.role == roles.LIAISON and spec.department_code:
                self.liaisons[spec.department_code] = user
