"""Reference data and roles are present on a freshly migrated database."""

import pytest
from django.contrib.auth.models import Group

from core import roles
from registry.enums import JurisdictionLevel
from registry.models import Department, Industry, Jurisdiction

pytestmark = pytest.mark.django_db


def test_reference_data_has_huizhous_districts():
    city = Jurisdiction.objects.get(level=JurisdictionLevel.CITY)
    assert city.name == "惠州市"
    assert list(city.children.order_by("sort_order").values_list("name", flat=True)) == [
        "惠城区",
        "惠阳区",
        "惠东县",
        "博罗县",
        "龙门县",
        "大亚湾经济技术开发区",
        "仲恺高新技术产业开发区",
    ]
    for district in city.children.all():
        assert district.children.count() >= 3
        assert all(t.path.startswith(district.path) for t in district.children.all())


def test_reference_data_has_industries_and_departments():
    names = set(Industry.objects.values_list("name", flat=True))
    assert {
        "石油化工",
        "危险化学品",
        "烟花爆竹",
        "非煤矿山",
        "建筑施工",
        "劳动密集型加工制造",
        "娱乐场所",
        "道路运输",
        "商贸零售",
        "餐饮住宿",
    } <= names
    departments = set(Department.objects.values_list("name", flat=True))
    assert {
        "市安全生产监督管理局",
        "市住房和城乡建设局",
        "市公安消防支队",
        "市交通运输局",
        "市市场监督管理局",
        "市文化广电旅游体育局",
        "江北街道安监所",
    } <= departments


def test_roles_exist_as_groups_with_their_permissions():
    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(roles.ALL)

    def perms(role: str) -> set[str]:
        group = Group.objects.get(name=role)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}

    assert "publicity.approve_batch" in perms(roles.OFFICIAL)
    assert "publicity.approve_batch" not in perms(roles.INSPECTOR)
    assert "registry.add_finding" in perms(roles.INSPECTOR)
    assert "rectification.add_event" in perms(roles.LIAISON)
    assert "publicity.view_submitter_identity" in perms(roles.ADMINISTRATOR)
    assert not any(
        "submitter_identity" in p
        for role in roles.ALL
        if role != roles.ADMINISTRATOR
        for p in perms(role)
    )
