"""Where an inspection took place (issue 19): the register is the province's, one row per
credit code, so a unit registered in Huizhou and inspected at its site in Shenzhen is one
unit; Shenzhen inspects it, finds against it and exposes it in a Shenzhen batch, and each
city sees its own records of the unit only (the province both)."""

import datetime

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from publicity.errors import PublicationError
from publicity.models import Batch, Entry
from publicity.permissions import entry_for_user, finding_pool_scope, visible_batches
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entry_add,
    notice_build,
)
from rectification.models import Case
from rectification.permissions import case_for_user, case_rights, cases_visible_to
from registry.data import FindingData, InspectionData
from registry.errors import RegistryError
from registry.models import Enterprise, Finding, Inspection, Jurisdiction
from registry.selectors import enterprise_get, enterprise_related, inspection_get
from registry.services import inspection_create, inspection_update
from tests.factories import EnterpriseFactory, guangdong_with_two_cities, staff_user

pytestmark = pytest.mark.django_db

INSPECTED_ON = datetime.date(2026, 11, 2)


@pytest.fixture
def province():
    return guangdong_with_two_cities()


@pytest.fixture
def people(province):
    return {
        "hz_inspector": staff_user("hz-inspector", "inspector"),
        "hz_official": staff_user("hz-official", "official"),
        "sz_inspector": staff_user("sz-inspector", "inspector", jurisdiction="440300"),
        "sz_official": staff_user("sz-official", "official", jurisdiction="440300"),
        "gd_official": staff_user("gd-official", "official", jurisdiction="440000"),
    }


@pytest.fixture
def unit(province):
    """Registered in Huizhou (惠城区江北街道), with a site in Shenzhen."""
    return EnterpriseFactory(name="惠州跨市经营五金厂")


def finding_data(description: str) -> FindingData:
    return FindingData(
        category="major_hazard",
        description=description,
        provisions=[],
        is_major_hazard=True,
        proposed_disposition="rectify_by_deadline",
        proposed_deadline=datetime.date(2026, 12, 31),
        proposed_for_publicity=True,
    )


def inspect(actor, enterprise, description, place=None) -> Inspection:
    return inspection_create(
        actor=actor,
        enterprise=enterprise,
        data=InspectionData(
            date=INSPECTED_ON,
            inspectors=[actor],
            kind="routine",
            campaign_basis="",
            campaign="",
            notes="",
            place=place,
        ),
        findings=[finding_data(description)],
    )


def published(composer, official, findings, outlet) -> Batch:
    """A batch of ``findings`` through every step, as its city's staff take it."""
    batch = batch_create(composer=composer)
    for entry in entry_add(batch=batch, findings=findings, actor=composer).created:
        entry.responsible_person = "王五"
        entry.save(update_fields=["responsible_person"])
    batch_submit(batch=batch, actor=composer)
    batch = batch_approve(batch=batch, actor=official)
    assert batch.notice_period_ends is not None
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=batch, actor=official, today=after)
    notice_build(batch=batch)
    return batch_publish(
        batch=batch, actor=official, published_on=timezone.localdate(), outlet=outlet
    )


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_shenzhen_finds_the_unit_by_credit_code_and_records_an_inspection_at_its_site(
    province, people, unit
):
    sz = signed_in(people["sz_inspector"])
    create_url = reverse("registry:inspection-create", kwargs={"enterprise_pk": unit.pk})
    # Registered in Huizhou and never inspected in Shenzhen: not Shenzhen's to open by id.
    assert sz.get(create_url).status_code == 404
    assert sz.get(reverse("registry:enterprise-detail", args=[unit.pk])).status_code == 404

    # Found by its code in the province's register (typed with spaces, in lower case).
    typed = " ".join([unit.credit_code[:9], unit.credit_code[9:].lower()])
    found = sz.get(reverse("registry:inspection-start"), {"code": typed})
    assert found.status_code == 302
    assert found["Location"] == f"{create_url}?code={unit.credit_code}"
    form_page = sz.get(found["Location"])
    assert form_page.status_code == 200
    # The place offered is Shenzhen's, and the unit's own place (Huizhou's) is no choice.
    place_field = form_page.context["form"]["place"]
    assert [choice.data["label"] for choice in place_field.subwidgets][1:] == ["福田区"]
    assert form_page.context["form"]["place"].value() is None

    post = {
        "date": INSPECTED_ON.isoformat(),
        "place": str(province["futian"].pk),
        "inspectors": [people["sz_inspector"].pk],
        "kind": "routine",
        "campaign_basis": "",
        "campaign": "",
        "notes": "",
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-MIN_NUM_FORMS": "1",
        "findings-MAX_NUM_FORMS": "30",
        "findings-0-category": "major_hazard",
        "findings-0-description": "深圳场所：仓库与宿舍同一建筑",
        "findings-0-proposed_disposition": "rectify_by_deadline",
        "findings-0-proposed_deadline": "",
    }
    # A place of Huizhou is refused on the server, with a message saying why.
    huizhou_place = Jurisdiction.objects.get(code="441302")
    refused = sz.post(found["Location"], {**post, "place": str(huizhou_place.pk)})
    assert refused.status_code == 200
    assert refused.context["form"].errors["place"] == [
        "请选择您辖区内的县区或乡镇街道作为检查地点。"
    ]
    assert not Inspection.objects.exists()

    saved = sz.post(found["Location"], post)
    inspection = Inspection.objects.get()
    assert saved["Location"] == reverse("registry:inspection-detail", args=[inspection.pk])
    assert (inspection.enterprise_id, inspection.place.code) == (unit.pk, "440304")
    assert Enterprise.objects.filter(credit_code=unit.credit_code).count() == 1

    # Shenzhen now sees the unit (for its own inspection) but does not change its register
    # row: that is Huizhou's, where it is registered.
    page = sz.get(reverse("registry:enterprise-detail", args=[unit.pk]))
    assert page.status_code == 200
    assert page.context["rights"].change is False
    assert sz.get(reverse("registry:enterprise-edit", args=[unit.pk])).status_code == 403
    detail = sz.get(reverse("registry:inspection-detail", args=[inspection.pk])).content.decode()
    assert "福田区（单位登记地：江北街道）" in detail


def test_registering_the_unit_again_in_shenzhen_finds_the_existing_row(province, people, unit):
    sz = signed_in(people["sz_inspector"])
    response = sz.post(
        reverse("registry:enterprise-create"),
        {
            "name": "深圳跨市经营五金厂",
            "credit_code": unit.credit_code,
            "legal_representative": "",
            "address": "深圳市福田区2号",
            "jurisdiction": str(province["futian"].pk),
            "industry": str(unit.industry_id),
            "licence_status": "complete",
            "operating_status": "operating",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        f"该统一社会信用代码已登记为“{unit.name}”（江北街道），不能重复登记。"
    ]
    inspect_link = (
        reverse("registry:inspection-create", kwargs={"enterprise_pk": unit.pk})
        + f"?code={unit.credit_code}"
    )
    assert inspect_link in response.content.decode()
    assert Enterprise.objects.filter(credit_code=unit.credit_code).count() == 1


def test_the_service_keeps_an_inspection_to_the_inspectors_area(province, people, unit):
    # By default where the unit is registered: Huizhou's, not Shenzhen's.
    with pytest.raises(RegistryError, match="“江北街道”不在您的辖区内"):
        inspect(people["sz_inspector"], unit, "无地点")
    with pytest.raises(RegistryError, match="检查地点请选择县区或乡镇街道"):
        inspect(people["sz_inspector"], unit, "整个市", place=province["shenzhen"])
    at_home = inspect(people["hz_inspector"], unit, "惠州本地")
    assert at_home.place == unit.jurisdiction
    assert not Inspection.objects.filter(place__path__startswith="440000/440300/").exists()


def test_an_inspection_keeps_its_place_once_its_finding_is_in_a_batch(province, people, unit):
    inspection = inspect(people["sz_inspector"], unit, "深圳场所", place=province["futian"])
    data = InspectionData(
        date=INSPECTED_ON,
        inspectors=[people["sz_inspector"]],
        kind="routine",
        campaign_basis="",
        campaign="",
        notes="改地点",
        place=Jurisdiction.objects.create(
            code="440305", name="南山区", level="district", parent=province["shenzhen"]
        ),
    )
    batch = batch_create(composer=people["sz_inspector"])
    entry_add(batch=batch, findings=list(inspection.findings.all()), actor=people["sz_inspector"])
    with pytest.raises(RegistryError, match="不能更改检查地点"):
        inspection_update(
            actor=people["sz_inspector"], inspection=inspection, data=data, findings=[]
        )
    assert Inspection.objects.get(pk=inspection.pk).place.code == "440304"


def test_each_city_sees_its_own_inspection_finding_entry_and_case_of_one_unit(
    province, people, unit, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    hz_inspection = inspect(people["hz_inspector"], unit, "惠州厂区：消防通道堵塞")
    sz_inspection = inspect(
        people["sz_inspector"], unit, "深圳场所：仓库与宿舍同一建筑", place=province["futian"]
    )
    hz_finding, sz_finding = hz_inspection.findings.get(), sz_inspection.findings.get()

    # Huizhou publishes what was found in Huizhou only, wherever the unit is registered.
    hz_batch = batch_create(composer=people["hz_inspector"])
    with pytest.raises(PublicationError, match="的这项检查发现不在惠州市"):
        entry_add(batch=hz_batch, findings=[sz_finding], actor=people["hz_inspector"])
    hz_batch.delete()
    hz_batch = published(people["hz_inspector"], people["hz_official"], [hz_finding], "惠州日报")
    sz_batch = published(people["sz_inspector"], people["sz_official"], [sz_finding], "深圳特区报")

    hz_entry, sz_entry = hz_batch.entries.get(), sz_batch.entries.get()
    assert (hz_entry.enterprise_id, sz_entry.enterprise_id) == (unit.pk, unit.pk)
    assert (hz_entry.district.code, sz_entry.district.code) == ("441302", "440304")
    assert sz_entry.department.code == "sz_housing"
    hz_case, sz_case = hz_entry.case, sz_entry.case
    assert (hz_case.place.code, sz_case.place.code) == ("441302002", "440304")
    assert Enterprise.objects.filter(credit_code=unit.credit_code).count() == 1

    records = {
        "inspection": (hz_inspection, sz_inspection),
        "finding": (hz_finding, sz_finding),
        "entry": (hz_entry, sz_entry),
        "case": (hz_case, sz_case),
    }
    for city, own, other in (("hz", 0, 1), ("sz", 1, 0)):
        official = people[f"{city}_official"]
        client = signed_in(official)
        assert (
            inspection_get(user=official, pk=records["inspection"][own].pk)
            == (records["inspection"][own])
        )
        with pytest.raises(Http404):
            inspection_get(user=official, pk=records["inspection"][other].pk)
        with pytest.raises(Http404):
            entry_for_user(official, records["entry"][other].pk)
        with pytest.raises(Http404):
            case_for_user(official, records["case"][other].pk)
        assert list(cases_visible_to(official)) == [records["case"][own]]
        assert list(finding_pool_scope(official).filter(inspection__enterprise=unit)) == [
            records["finding"][own]
        ]
        assert entry_for_user(official, records["entry"][own].pk)[0] == records["entry"][own]
        for kind, url in (
            ("inspection", "registry:inspection-detail"),
            ("case", "rectification:case-detail"),
            ("entry", "publicity:entry-edit"),
        ):
            assert client.get(reverse(url, args=[records[kind][other].pk])).status_code == 404
        assert (
            client.get(
                reverse("registry:inspection-detail", args=[records["inspection"][own].pk])
            ).status_code
            == 200
        )
        assert (
            client.get(
                reverse("rectification:case-detail", args=[records["case"][own].pk])
            ).status_code
            == 200
        )

        # The unit's page: one unit, the city's own records of it only.
        related = enterprise_related(
            enterprise=enterprise_get(user=official, pk=unit.pk), user=official
        )
        assert related["inspections"] == [records["inspection"][own]]
        assert related["findings"] == [records["finding"][own]]
        assert related["entries"] == [records["entry"][own]]
        assert related["cases"] == [records["case"][own]]
        page = client.get(reverse("registry:enterprise-detail", args=[unit.pk])).content.decode()
        assert records["finding"][own].description in page
        assert records["finding"][other].description not in page

    # Shenzhen's staff decide Shenzhen's case (its place's authority), Huizhou's theirs.
    assert case_rights(sz_case, people["sz_official"])["extend"].shown
    assert case_rights(hz_case, people["hz_official"])["extend"].shown

    # The province reads both cities' records of the unit, and decides none of a case.
    overseer = people["gd_official"]
    assert set(cases_visible_to(overseer)) == {hz_case, sz_case}
    assert set(visible_batches(overseer)) == {hz_batch, sz_batch}
    assert set(finding_pool_scope(overseer).filter(inspection__enterprise=unit)) == {
        hz_finding,
        sz_finding,
    }
    related = enterprise_related(
        enterprise=enterprise_get(user=overseer, pk=unit.pk), user=overseer
    )
    assert {case.pk for case in related["cases"]} == {hz_case.pk, sz_case.pk}
    assert not case_rights(sz_case, overseer)["extend"].shown
    assert Finding.objects.filter(inspection__enterprise=unit).count() == 2
    assert Case.objects.filter(enterprise=unit).count() == 2
    assert Entry.objects.filter(enterprise=unit).count() == 2


def away_flags(*inspections: Inspection) -> list[bool]:
    """The flag as the database keeps it (an instance just saved holds the default)."""
    flags = dict(
        Inspection.objects.filter(pk__in=[i.pk for i in inspections]).values_list("pk", "away")
    )
    return [flags[i.pk] for i in inspections]


def test_the_database_marks_inspections_made_away_from_the_units_registered_place(
    province, people, unit
):
    at_home = inspect(people["hz_inspector"], unit, "惠州场所：疏散通道堵塞")
    away = inspect(people["sz_inspector"], unit, "深圳场所：仓库与宿舍同一建筑", province["futian"])
    assert away_flags(at_home, away) == [False, True]

    # An inspection moved to another place (by any writer) is marked again.
    Inspection.objects.filter(pk=at_home.pk).update(place=Jurisdiction.objects.get(code="441302"))
    assert away_flags(at_home, away) == [True, True]
    Inspection.objects.filter(pk=at_home.pk).update(place=unit.jurisdiction)
    assert away_flags(at_home, away) == [False, True]

    # The unit moves its registration to Futian: the inspection there is at home now.
    unit.jurisdiction = province["futian"]
    unit.save(update_fields=["jurisdiction"])
    assert away_flags(at_home, away) == [True, False]


def test_the_register_list_holds_the_units_registered_or_inspected_in_the_area(
    province, people, unit
):
    other_hz = EnterpriseFactory(name="惠州本地五金厂")
    in_futian = EnterpriseFactory(name="深圳本地五金厂", jurisdiction=province["futian"])
    inspect(people["sz_inspector"], unit, "深圳场所：仓库与宿舍同一建筑", province["futian"])

    def listed(user, query: str = "") -> list[str]:
        page = signed_in(user).get(
            reverse("registry:enterprise-list"), {"q": query} if query else {}
        )
        assert page.status_code == 200
        return [row.name for row in page.context["page"].object_list]

    # Shenzhen's: its own unit and the Huizhou unit it inspected, in name order, searched
    # alike; Huizhou's: its two; the province's: all three.
    assert listed(people["sz_official"]) == [unit.name, in_futian.name]
    assert listed(people["sz_inspector"], "五金") == [unit.name, in_futian.name]
    assert listed(people["sz_inspector"], "本地") == [in_futian.name]
    assert listed(people["hz_official"]) == sorted([unit.name, other_hz.name])
    assert listed(people["hz_official"], "跨市") == [unit.name]
    assert listed(people["gd_official"]) == sorted([unit.name, other_hz.name, in_futian.name])
