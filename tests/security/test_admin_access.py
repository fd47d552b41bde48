"""The admin is for administrators, and nobody raises their own rights there (issue: probing
found the admin open to every role past all scopes, and an administrator making itself a
superuser)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from core import roles
from registry.models import Enterprise
from tests.factories import EnterpriseFactory, staff_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [roles.INSPECTOR, roles.OFFICIAL, roles.LIAISON, roles.SUPERVISOR])
def test_admin_refuses_every_role_but_the_administrator(client, role):
    # A district inspector could read and edit other districts' enterprises there.
    enterprise = EnterpriseFactory(name="惠阳区某五金厂")
    client.force_login(staff_user("someone", role, jurisdiction="441302"))

    index = client.get(reverse("admin:index"))
    change = client.get(reverse("admin:registry_enterprise_change", args=[enterprise.pk]))
    post = client.post(
        reverse("admin:registry_enterprise_change", args=[enterprise.pk]), {"name": "改名"}
    )

    assert index.status_code == 302
    assert index["Location"].startswith(reverse("admin:login"))
    assert (change.status_code, post.status_code) == (302, 302)
    assert Enterprise.objects.get(pk=enterprise.pk).name == "惠阳区某五金厂"


def test_administrator_cannot_make_itself_superuser(client):
    administrator = staff_user("it", roles.ADMINISTRATOR)
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[administrator.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "username": "it",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    administrator.refresh_from_db()
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert response.status_code == 302
    assert administrator.is_superuser is False
    assert list(administrator.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]


def test_administrator_cannot_see_or_edit_superusers(client):
    root = User.objects.create_superuser("root", password="a-long-root-password")
    client.force_login(staff_user("it", roles.ADMINISTRATOR))

    listing = client.get(reverse("admin:auth_user_changelist"))
    change = client.post(reverse("admin:auth_user_change", args=[root.pk]), {"username": "root2"})

    assert "root" not in [u.username for u in listing.context["cl"].result_list]
    assert change.status_code in (302, 403)
    assert User.objects.get(pk=root.pk).username == "root"


def test_administrator_assigns_roles_to_others(client):
    colleague = staff_user("colleague", roles.INSPECTOR)
    client.force_login(staff_user("it", roles.ADMINISTRATOR))

    page = client.get(reverse("admin:auth_user_change", args=[colleague.pk]))

    assert page.status_code == 200
    assert 'name="groups"' in page.content.decode()
