"""The Django admin is the deployment's: in a province's deployment a city's administrator
does not enter it (its lists know no authority: every city's users, staff profiles and
reporters' identities), the province's does; in a city installed alone its administrators
enter as before."""

import pytest

from tests.factories import guangdong_with_two_cities, staff_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


def admin_answer(client, user):
    client.force_login(user)
    return client.get("/admin/")


def test_a_city_administrator_enters_the_admin_of_a_city_installed_alone(client):
    response = admin_answer(client, staff_user("hz-admin", "administrator"))
    assert response.status_code == 200


def test_in_a_province_only_the_province_administrator_enters_the_admin(client):
    guangdong_with_two_cities()
    city = admin_answer(client, staff_user("sz-admin", "administrator", jurisdiction="440300"))
    assert city.status_code == 302
    assert city["Location"].startswith("/admin/login/")
    huizhou = admin_answer(client, staff_user("hz-admin", "administrator"))
    assert huizhou.status_code == 302
    province = admin_answer(client, staff_user("gd-admin", "administrator", jurisdiction="440000"))
    assert province.status_code == 200
