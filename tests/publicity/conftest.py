"""Fixtures of publicity's tests."""

import pytest
from django.contrib.auth.models import Permission, User

from registry.models import Jurisdiction, StaffProfile


@pytest.fixture
def make_staff(db):
    """A staff member with the given permissions ("app.codename") in a jurisdiction (code)."""

    def make(username, *perms, jurisdiction="441300"):
        user = User.objects.create_user(username, password="a-long-test-password", is_staff=True)
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        StaffProfile.objects.create(
            user=user, jurisdiction=Jurisdiction.objects.get(code=jurisdiction)
        )
        return user

    return make
