"""Enterprises in the back office: registering, editing, duplicates, the list and its filters."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from registry.models import AuditRecord, Enterprise, Industry, Jurisdiction
from tests.factories import EnterpriseFactory, ListedEntryFactory, valid_credit_code

CODE = valid_credit_code(4242)  # 91441302MA0004242 + its check character


def form_data(**overrides):
    data = {
        "name": "惠城区新登记五金厂",
        "credit_code": CODE,
        "legal_representative": "王五",
        "address": "惠州市惠城区江北街道2号",
        "jurisdiction": Jurisdiction.objects.get(code="441302002").pk,
        "industry": Industry.objects.get(code="labour_intensive").pk,
        "licence_status": "complete",
        "operating_status": "operating",
    }
    data.update(overrides)
    return data


def wrong_check(code):
    return code[:17] + ("0" if code[17] != "0" else "1")


def test_enterprise_create_registers_and_audits(client, people):
    client.force_login(people.inspector)
    code_with_spaces = f" {CODE[:6].lower()} {CODE[6:12]} {CODE[12:]} "
    response = client.post(
        reverse("registry:enterprise-create"), form_data(credit_code=code_with_spaces)
    )
    enterprise = Enterprise.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:enterprise-detail", args=[enterprise.pk])
    assert enterprise.credit_code == CODE
    record = AuditRecord.objects.get()
    assert record.action == "created"
    assert record.actor == people.inspector
    assert record.content_type == ContentType.objects.get_for_model(Enterprise)
    assert record.object_id == enterprise.pk
    assert record.changes["credit_code"] == {"label": "统一社会信用代码", "old": "", "new": CODE}
    assert record.changes["jurisdiction"]["new"] == "江北街道"


def test_enterprise_create_wrong_check_character_keeps_what_was_typed(client, people):
    client.force_login(people.inspector)
    data = form_data(credit_code=wrong_check(CODE))
    response = client.post(reverse("registry:enterprise-create"), data)
    assert response.status_code == 200
    assert Enterprise.objects.count() == 0
    form = response.context["form"]
    assert form.errors["credit_code"] == [
        f"统一社会信用代码校验位错误：第18位应为“{CODE[17]}”，而不是“{data['credit_code'][17]}”。"
    ]
    html = response.content.decode()
    assert 'value="惠城区新登记五金厂"' in html
    assert f'value="{data["credit_code"]}"' in html
    assert 'value="惠州市惠城区江北街道2号"' in html
    assert 'id="error-summary"' in html


def test_enterprise_create_allows_an_unlicensed_unit_without_code(client, people):
    client.force_login(people.inspector)
    client.post(
        reverse("registry:enterprise-create"),
        form_data(credit_code="  ", licence_status="none"),
    )
    enterprise = Enterprise.objects.get()
    assert enterprise.credit_code is None
    assert enterprise.licence_status == "none"


def test_enterprise_create_refuses_a_registered_code_without_merging(client, people):
    existing = EnterpriseFactory(name="惠城区老五金厂", credit_code=CODE)
    client.force_login(people.inspector)
    response = client.post(reverse("registry:enterprise-create"), form_data())
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "该统一社会信用代码已登记为“惠城区老五金厂”（江北街道），不能重复登记。"
    ]
    assert list(Enterprise.objects.values_list("pk", flat=True)) == [existing.pk]


def test_enterprise_create_warns_of_a_near_identical_name_in_the_district(client, people):
    existing = EnterpriseFactory(name="惠城区 新登记五金厂（普通合伙）", credit_code=None)
    client.force_login(people.inspector)
    response = client.post(reverse("registry:enterprise-create"), form_data(credit_code=""))
    assert response.status_code == 200
    assert [unit.pk for unit in response.context["form"].similar] == [existing.pk]
    assert Enterprise.objects.count() == 1

    response = client.post(
        reverse("registry:enterprise-create"), form_data(credit_code="", confirm_similar="on")
    )
    assert response.status_code == 302
    assert Enterprise.objects.count() == 2


def test_enterprise_create_does_not_warn_about_another_district(client, people):
    EnterpriseFactory(
        name="惠城区新登记五金厂",
        credit_code=None,
        jurisdiction=Jurisdiction.objects.get(code="441303"),
    )
    client.force_login(people.inspector)
    response = client.post(reverse("registry:enterprise-create"), form_data(credit_code=""))
    assert response.status_code == 302


def test_enterprise_create_offers_only_the_inspectors_district(client, people):
    client.force_login(people.inspector_huicheng)
    response = client.get(reverse("registry:enterprise-create"))
    places = response.context["form"].fields["jurisdiction"].queryset
    assert {place.path.split("/")[1] for place in places} == {"441302"}
    huiyang = Jurisdiction.objects.get(code="441303")
    response = client.post(
        reverse("registry:enterprise-create"), form_data(jurisdiction=huiyang.pk)
    )
    assert response.status_code == 200
    assert Enterprise.objects.count() == 0


def test_enterprise_edit_records_each_changed_field(client, people):
    enterprise = EnterpriseFactory(name="惠城区旧名厂", credit_code=CODE)
    client.force_login(people.inspector)
    response = client.post(
        reverse("registry:enterprise-edit", args=[enterprise.pk]),
        form_data(name="惠城区新名厂", operating_status="suspended"),
    )
    assert response.status_code == 302
    record = AuditRecord.objects.get(action="changed")
    assert record.changes == {
        "name": {"label": "单位名称", "old": "惠城区旧名厂", "new": "惠城区新名厂"},
        "address": {
            "label": "地址",
            "old": "惠州市惠城区江北街道1号",
            "new": "惠州市惠城区江北街道2号",
        },
        "legal_representative": {"label": "法定代表人", "old": "", "new": "王五"},
        "operating_status": {"label": "经营状态", "old": "在营", "new": "停产停业"},
    }
    page = client.get(reverse("registry:enterprise-detail", args=[enterprise.pk]))
    html = page.content.decode()
    assert "<del>惠城区旧名厂</del> → <ins>惠城区新名厂</ins>" in html


def test_enterprise_list_searches_by_name_and_code(client, people):
    wanted = EnterpriseFactory(name="惠城区宏达五金厂")
    EnterpriseFactory(name="惠城区永安石场")
    client.force_login(people.inspector)
    by_name = client.get(reverse("registry:enterprise-list"), {"q": "宏达"})
    by_code = client.get(
        reverse("registry:enterprise-list"), {"q": wanted.credit_code[:17].lower()}
    )
    assert [unit.pk for unit in by_name.context["page"]] == [wanted.pk]
    assert [unit.pk for unit in by_code.context["page"]] == [wanted.pk]


def test_enterprise_list_filters(client, people):
    exposed = ListedEntryFactory().enterprise
    unlicensed = EnterpriseFactory(licence_status="none", credit_code=None)
    huiyang = EnterpriseFactory(jurisdiction=Jurisdiction.objects.get(code="441303"))
    client.force_login(people.inspector)

    def listed(**params):
        response = client.get(reverse("registry:enterprise-list"), params)
        return sorted(unit.pk for unit in response.context["page"])

    district = Jurisdiction.objects.get(code="441303").pk
    assert listed(has_exposures="true") == [exposed.pk]
    assert listed(has_exposures="false") == sorted([unlicensed.pk, huiyang.pk])
    assert listed(licence_status="none") == [unlicensed.pk]
    assert listed(district=district) == [huiyang.pk]


def test_enterprise_list_is_scoped_to_the_district(client, people):
    own = EnterpriseFactory()
    EnterpriseFactory(jurisdiction=Jurisdiction.objects.get(code="441303"))
    client.force_login(people.inspector_huicheng)
    response = client.get(reverse("registry:enterprise-list"))
    assert [unit.pk for unit in response.context["page"]] == [own.pk]


@pytest.mark.parametrize("rows", [1, 3])
def test_enterprise_list_query_count_is_constant(client, people, django_assert_num_queries, rows):
    for _ in range(rows):
        ListedEntryFactory()
    client.force_login(people.inspector)
    # session, user, role check, user and group permissions, profile (scope), count,
    # district and industry choices, the page
    # And the authorities' rules (registry.authorities), read once into the cache; and, the
    # inspector working at the tree's root (the city), whether it is the only root (their
    # register is then the whole register, walked in name order).
    with django_assert_num_queries(11):
        response = client.get(reverse("registry:enterprise-list"), {"q": "五金"})
    assert len(response.context["page"]) == rows


def test_enterprise_detail_lists_everything_about_the_unit(client, people, huiyang):
    client.force_login(people.inspector)
    response = client.get(reverse("registry:enterprise-detail", args=[huiyang.enterprise.pk]))
    assert [i.pk for i in response.context["inspections"]] == [huiyang.inspection.pk]
    assert [f.pk for f in response.context["findings"]] == [huiyang.finding.pk]
    assert [a.pk for a in response.context["accidents"]] == [huiyang.accident.pk]
    assert response.context["entries"] == []
    assert response.context["cases"] == []
