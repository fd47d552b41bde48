"""English mode (issue 11): reference names, change history, inbox reminders, removal reasons
and the admin's header read in English, while what is stored stays language-neutral or in
the site's language."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core import roles
from publicity.enums import EntryStatus
from publicity.services.entries import entries_term_end
from rectification.models import InboxMessage, Reminder
from rectification.reminders import reminders_sweep
from registry.models import AuditRecord, Department, Enterprise, Industry, Jurisdiction
from tests.factories import CaseFactory, ListedEntryFactory, staff_user


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.django_db
def test_reference_data_has_english_names():
    assert Jurisdiction.objects.get(code="441302").name_en == "Huicheng District"
    assert Jurisdiction.objects.get(code="441371").name_en == (
        "Daya Bay Economic and Technological Development Zone"
    )
    assert Industry.objects.get(code="fireworks").name_en == "Fireworks"
    assert Department.objects.get(code="safety_441322").name_en == (
        "Boluo County Administration of Work Safety"
    )
    assert Department.objects.get(code="office_441302002").name_en == (
        "Jiangbei Subdistrict Work Safety Office"
    )
    assert set(Jurisdiction.objects.filter(name_en="").values_list("code", flat=True)) == set()


@pytest.mark.django_db
def test_display_name_follows_the_language_and_falls_back_to_chinese():
    from django.utils import translation

    district = Jurisdiction.objects.get(code="441302")
    with translation.override("en"):
        assert (district.display_name, str(district)) == ("Huicheng District", "Huicheng District")
        district.name_en = ""
        assert district.display_name == "惠城区"
    with translation.override("zh-hans"):
        district.name_en = "Huicheng District"
        assert district.display_name == "惠城区"


@pytest.mark.django_db
def test_public_list_filters_and_rows_name_districts_in_english(english):
    ListedEntryFactory()
    html = english.get(reverse("public:entry-list")).content.decode()
    huicheng = Jurisdiction.objects.get(code="441302")
    assert f'<option value="{huicheng.pk}">Huicheng District</option>' in html
    assert "Labour-intensive manufacturing" in html
    assert "惠城区</" not in html


@pytest.mark.django_db
def test_enterprise_history_shows_english_labels_and_values(english):
    inspector = staff_user("inspector", roles.INSPECTOR)
    english.force_login(inspector)
    english.post(
        reverse("registry:enterprise-create"),
        {
            "name": "惠城区新登记五金厂",
            "credit_code": "",
            "legal_representative": "王五",
            "address": "惠州市惠城区江北街道2号",
            "jurisdiction": Jurisdiction.objects.get(code="441302002").pk,
            "industry": Industry.objects.get(code="labour_intensive").pk,
            "licence_status": "complete",
            "operating_status": "operating",
        },
    )
    enterprise = Enterprise.objects.get()
    # Stored in the site's language whatever the writer's.
    assert AuditRecord.objects.get().changes["industry"] == {
        "label": "行业",
        "old": "",
        "new": "劳动密集型加工制造",
    }
    html = english.get(reverse("registry:enterprise-detail", args=[enterprise.pk])).content
    page = html.decode()
    assert "<dt>Industry</dt>" in page
    assert "Labour-intensive manufacturing" in page
    assert "Fully licensed" in page
    assert "劳动密集型加工制造" not in page
    assert "证照齐全" not in page


@pytest.mark.django_db
def test_inbox_shows_the_reminder_in_english_and_stores_it_in_chinese(english):
    liaison = staff_user("liaison", roles.LIAISON, department="city_housing")
    case = CaseFactory(deadline=datetime.date(2009, 4, 30))
    reminders_sweep(today=datetime.date(2009, 4, 23))
    reminder = Reminder.objects.get(case=case)
    name = case.enterprise.name
    assert reminder.subject == f"{name} 的整改期限还有 7 天"
    assert reminder.facts["department_en"] == (
        "Huizhou Municipal Bureau of Housing and Urban-Rural Development"
    )
    assert InboxMessage.objects.get().recipient == liaison
    english.force_login(liaison)
    page = english.get(reverse("rectification:inbox")).content.decode()
    assert f"{name}: rectification deadline in 7 days" in page
    assert "Huizhou Municipal Bureau of Housing and Urban-Rural Development" in page
    assert "整改期限还有" not in page


@pytest.mark.django_db
def test_case_timeline_shows_the_reminder_in_english_and_keeps_it_as_sent(english, client):
    liaison = staff_user("liaison", roles.LIAISON, department="city_housing")
    case = CaseFactory(deadline=datetime.date(2009, 4, 30))
    reminders_sweep(today=datetime.date(2009, 4, 23))
    name = case.enterprise.name
    event = case.events.get(kind="reminder_sent")
    assert event.text == f"{name} 的整改期限还有 7 天"  # as sent
    english.force_login(liaison)

    page = english.get(reverse("rectification:case-detail", args=[case.pk])).content.decode()

    assert f"{name}: rectification deadline in 7 days" in page
    assert "整改期限还有" not in page
    english.cookies.pop("django_language")  # the same client, back in Chinese
    chinese = client.get(
        reverse("rectification:case-detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert f"{name} 的整改期限还有 7 天" in chinese


@pytest.mark.django_db
def test_removal_reason_is_stored_without_words_and_shown_in_english(english):
    entry = ListedEntryFactory(listed_until=datetime.date(2009, 12, 31))
    assert entries_term_end(today=datetime.date(2010, 1, 1)) == 1
    entry.refresh_from_db()
    assert (entry.status, entry.removal_reason) == (EntryStatus.REMOVED, "")
    page = english.get(reverse("public:removal-log")).content.decode()
    assert "Listing term ended" in page
    assert "公示期满" not in page


@pytest.mark.django_db
def test_admin_header_is_english_on_english_pages(english):
    english.force_login(get_user_model().objects.create_superuser("root", password="root-pass"))
    page = english.get(reverse("admin:index")).content.decode()
    assert "Huizhou Municipal Administration of Work Safety" in page
    assert "Gongshi administration" in page
    assert "惠州市安全生产监督管理局" not in page
