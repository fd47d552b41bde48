"""Accidents: recording, editing with audit, the list and its query count."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from registry.models import Accident, AuditRecord, Jurisdiction
from tests.factories import AccidentFactory, EnterpriseFactory


def accident_data(**overrides):
    data = {
        "date": "2010-05-01",
        "jurisdiction": Jurisdiction.objects.get(code="441302").pk,
        "enterprise_code": "",
        "kind": "fire",
        "deaths": "3",
        "injuries": "2",
        "direct_loss": "1250000.50",
        "description": "仓库起火",
    }
    data.update(overrides)
    return data


def test_accident_create_records_the_unit_and_loss(client, people):
    unit = EnterpriseFactory()
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:accident-create"),
        accident_data(enterprise_code=unit.credit_code.lower()),
    )
    accident = Accident.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:accident-detail", args=[accident.pk])
    assert accident.enterprise == unit
    assert accident.date == datetime.date(2010, 5, 1)
    assert accident.direct_loss == Decimal("1250000.50")
    assert accident.is_major is True
    record = AuditRecord.objects.get()
    assert record.action == "created"
    assert record.changes["direct_loss"] == {
        "label": "直接经济损失（元）",
        "old": "",
        "new": "1250000.50",
    }


def test_accident_create_refuses_an_unknown_unit_and_keeps_the_form(client, people):
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:accident-create"), accident_data(enterprise_code="91441302MA0000999X")
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "enterprise_code": [
            "在您的辖区内没有找到统一社会信用代码为 91441302MA0000999X 的单位；单位不明可以不填。"
        ]
    }
    assert 'value="1250000.50"' in response.content.decode()
    assert Accident.objects.count() == 0


def test_accident_create_refuses_negative_counts(client, people):
    client.force_login(people.inspector)
    response = client.post(reverse("registry:accident-create"), accident_data(deaths="-1"))
    assert response.context["form"].errors == {"deaths": ["确保该值大于或等于0。"]}


def test_accident_district_inspector_cannot_file_in_another_district(client, people):
    client.force_login(people.inspector_huicheng)
    response = client.post(
        reverse("registry:accident-create"),
        accident_data(jurisdiction=Jurisdiction.objects.get(code="441303").pk),
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["jurisdiction"]
    assert Accident.objects.count() == 0


def test_accident_edit_records_the_changes(client, people):
    accident = AccidentFactory(deaths=1)
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:accident-edit", args=[accident.pk]),
        accident_data(
            date="2010-05-01",
            kind="industrial",
            deaths="2",
            injuries="0",
            direct_loss="0",
            description="",
        ),
    )
    assert response.status_code == 302
    record = AuditRecord.objects.get()
    assert record.changes == {"deaths": {"label": "死亡人数", "old": "1", "new": "2"}}


@pytest.mark.parametrize("rows", [1, 3])
def test_accident_list_query_count_is_constant(client, people, django_assert_num_queries, rows):
    for _ in range(rows):
        AccidentFactory(enterprise=EnterpriseFactory())
    client.force_login(people.supervisor)
    # session, user, role check, user and group permissions, profile (scope), count,
    # district choices, the page
    # And the authorities' rules (registry.authorities), read once into the cache.
    # And whether the user's jurisdiction is the tree's only root (a city-wide role of the
    # one-city test database: then the list carries no area condition, registry.permissions).
    with django_assert_num_queries(10):
        response = client.get(reverse("registry:accident-list"))
    assert len(response.context["page"]) == rows


def test_accident_list_filters_major_accidents(client, people):
    major = AccidentFactory(deaths=3)
    AccidentFactory(deaths=2)
    client.force_login(people.inspector)
    response = client.get(reverse("registry:accident-list"), {"major": "true"})
    assert [a.pk for a in response.context["page"]] == [major.pk]


def test_accident_create_refuses_counts_beyond_any_accident(client, people):
    # A twenty-digit typo was a 500 (integer out of range) before the form bounded it.
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:accident-create"), accident_data(deaths="99999999999999999999")
    )
    assert response.status_code == 200
    assert "deaths" in response.context["form"].errors
    assert not Accident.objects.exists()


@pytest.mark.parametrize("year", ["0", "-1", "1e5", "99999999999999999999", "abc"])
def test_accident_list_answers_a_year_out_of_range_without_error(client, people, year):
    AccidentFactory()
    client.force_login(people.inspector)
    response = client.get(reverse("registry:accident-list"), {"year": year})
    assert response.status_code == 200
