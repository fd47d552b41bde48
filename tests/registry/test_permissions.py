"""Every staff view, for every demo role: allowed, refused (403), or not found (404) for a
record in another district opened by direct URL; anonymous visitors go to the login page."""

import pytest
from django.urls import reverse

from registry.models import EnterpriseImport
from tests.factories import UserFactory

ROLES = ["inspector", "inspector_huicheng", "official", "liaison", "supervisor", "admin"]

# view name → (how to build its URL from the 惠阳区 records, {role: expected status}).
# inspector_huicheng works in 惠城区: every 惠阳区 record answers 404.
CASES = {
    "staff-dashboard": (
        lambda r: reverse("staff-dashboard"),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 200,
            "liaison": 200,
            "supervisor": 200,
            "admin": 200,
        },
    ),
    "enterprise-list": (
        lambda r: reverse("registry:enterprise-list"),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 200,
            "liaison": 200,
            "supervisor": 200,
            "admin": 403,
        },
    ),
    "enterprise-create": (
        lambda r: reverse("registry:enterprise-create"),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "enterprise-detail": (
        lambda r: reverse("registry:enterprise-detail", args=[r.enterprise.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 200,
            "liaison": 200,
            "supervisor": 200,
            "admin": 403,
        },
    ),
    "enterprise-edit": (
        lambda r: reverse("registry:enterprise-edit", args=[r.enterprise.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "enterprise-import": (
        lambda r: reverse("registry:enterprise-import"),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "enterprise-import-template": (
        lambda r: reverse("registry:enterprise-import-template", args=["csv"]),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "enterprise-import-detail": (
        # An import belongs to its uploader (the city inspector): others get 404.
        lambda r: reverse("registry:enterprise-import-detail", args=[r.enterprise_import.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "enterprise-import-progress": (
        lambda r: reverse("registry:enterprise-import-progress", args=[r.enterprise_import.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "inspection-list": (
        lambda r: reverse("registry:inspection-list"),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 200,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "inspection-create": (
        lambda r: reverse("registry:inspection-create", args=[r.enterprise.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "inspection-detail": (
        lambda r: reverse("registry:inspection-detail", args=[r.inspection.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 200,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "inspection-edit": (
        lambda r: reverse("registry:inspection-edit", args=[r.inspection.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "evidence": (
        lambda r: reverse("registry:evidence", args=[r.evidence.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 200,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "accident-list": (
        lambda r: reverse("registry:accident-list"),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 200,
            "liaison": 403,
            "supervisor": 200,
            "admin": 403,
        },
    ),
    "accident-create": (
        lambda r: reverse("registry:accident-create"),
        {
            "inspector": 200,
            "inspector_huicheng": 200,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
    "accident-detail": (
        lambda r: reverse("registry:accident-detail", args=[r.accident.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 200,
            "liaison": 403,
            "supervisor": 200,
            "admin": 403,
        },
    ),
    "accident-edit": (
        lambda r: reverse("registry:accident-edit", args=[r.accident.pk]),
        {
            "inspector": 200,
            "inspector_huicheng": 404,
            "official": 403,
            "liaison": 403,
            "supervisor": 403,
            "admin": 403,
        },
    ),
}


@pytest.fixture
def records(people, huiyang):
    huiyang.enterprise_import = EnterpriseImport.objects.create(
        uploaded_by=people.inspector,
        original_name="units.csv",
        status=EnterpriseImport.Status.INVALID,
        errors=[{"row": 2, "column": "单位名称", "message": "不能为空。"}],
    )
    return huiyang


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", sorted(CASES))
def test_staff_view_allows_and_refuses_each_role(client, people, records, view, role):
    url_for, expected = CASES[view]
    client.force_login(getattr(people, role))
    response = client.get(url_for(records))
    assert response.status_code == expected[role]


@pytest.mark.parametrize("view", sorted(CASES))
def test_staff_view_sends_anonymous_visitors_to_login(client, records, view):
    url_for, _expected = CASES[view]
    url = url_for(records)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('staff-login')}?next={url}"


@pytest.mark.parametrize("view", sorted(CASES))
def test_staff_view_refuses_a_signed_in_user_without_a_role(client, records, view):
    url_for, _expected = CASES[view]
    client.force_login(UserFactory(username="no-role"))
    assert client.get(url_for(records)).status_code == 403


def test_enterprise_edit_post_from_another_district_changes_nothing(client, people, records):
    client.force_login(people.inspector_huicheng)
    url = reverse("registry:enterprise-edit", args=[records.enterprise.pk])
    response = client.post(url, {"name": "改名", "address": "x"})
    records.enterprise.refresh_from_db()
    assert response.status_code == 404
    assert records.enterprise.name == "惠阳区测试塑料厂"


def test_import_confirm_by_another_user_is_not_found(client, people, records):
    client.force_login(people.inspector_huicheng)
    url = reverse("registry:enterprise-import-confirm", args=[records.enterprise_import.pk])
    assert client.post(url).status_code == 404
