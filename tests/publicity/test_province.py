"""One deployment for a province (issue "One deployment for a province"): a city put under its
province keeps its tree, each city's batches are its own (numbered per city and year, headed
by its own authority), each city's staff see and act on their own city only, and the
province's staff read every city's and act on none."""

import datetime
import subprocess

import pytest
from django.conf import settings
from django.http import Http404

from publicity.errors import PublicationError
from publicity.models import Batch
from publicity.notice import build_notice_pdf
from publicity.permissions import batch_for_user, visible_batches
from publicity.selectors import authorities_overview, batch_list
from publicity.services import batch_approve, batch_create, batch_submit, entry_add
from publicity.submissions.selectors import submissions_for_staff
from rectification.permissions import case_for_user, case_rights, cases_visible_to
from rectification.services import case_extend_deadline
from rectification.workflows import CaseError
from registry.authorities import authority_for
from registry.models import Authority, Jurisdiction
from registry.permissions import user_authority
from tests.factories import (
    CaseFactory,
    EnterpriseFactory,
    FindingFactory,
    InspectionFactory,
    ListedEntryFactory,
    SubmissionFactory,
    guangdong_with_two_cities,
    staff_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return guangdong_with_two_cities()


def shenzhen_finding(**kwargs):
    enterprise = EnterpriseFactory(
        name="福田区测试电子厂",
        address="深圳市福田区1号",
        jurisdiction=Jurisdiction.objects.get(code="440304"),
    )
    return FindingFactory(inspection=InspectionFactory(enterprise=enterprise), **kwargs)


def approved(composer, official, findings):
    batch = batch_create(composer=composer)
    for entry in entry_add(batch=batch, findings=findings, actor=composer).created:
        entry.responsible_person = "王五"
        entry.save(update_fields=["responsible_person"])
    batch_submit(batch=batch, actor=composer)
    return batch_approve(batch=batch, actor=official)


def test_a_city_put_under_its_province_takes_its_tree_along_and_inherits_its_rules(province):
    district = Jurisdiction.objects.get(code="441302")
    township = Jurisdiction.objects.get(code="441302002")
    assert district.path == "440000/441300/441302/"
    assert township.path == "440000/441300/441302/441302002/"
    assert province["futian"].path == "440000/440300/440304/"
    # Shenzhen sets no objection period: the province's; Huizhou's own stays its own.
    assert authority_for(province["futian"]).objection_period_days == 7
    assert authority_for(province["futian"]).hotline == "0755-12350"
    # Its names are its own: no English name of its own, its Chinese one in English pages.
    assert authority_for(province["futian"]).name_en == ""
    assert authority_for(district).name_en == settings.AUTHORITY_NAME_EN
    assert authority_for(district).name == Authority.objects.get(jurisdiction__code="441300").name
    assert authority_for(district).objection_period_days == settings.OBJECTION_PERIOD_DAYS


def test_batches_are_numbered_per_city_and_year(province):
    huizhou_clerk = staff_user("hz-clerk", "inspector")
    huizhou_official = staff_user("hz-official", "official")
    shenzhen_clerk = staff_user("sz-clerk", "inspector", jurisdiction="440300")
    shenzhen_official = staff_user("sz-official", "official", jurisdiction="440300")

    first_hz = approved(huizhou_clerk, huizhou_official, [FindingFactory()])
    first_sz = approved(shenzhen_clerk, shenzhen_official, [shenzhen_finding()])
    second_hz = approved(huizhou_clerk, huizhou_official, [FindingFactory()])

    assert (first_hz.authority.jurisdiction.code, first_hz.number) == ("441300", 1)
    assert (first_sz.authority.jurisdiction.code, first_sz.number) == ("440300", 1)
    assert (second_hz.number, first_sz.year) == (2, first_hz.year)
    # Shenzhen's objection period is the province's seven days (it sets none).
    assert first_sz.notice_period_ends - first_sz.approved_at.date() >= datetime.timedelta(days=7)


def test_each_city_sees_and_acts_on_its_own_batches_and_the_province_reads_both(province, client):
    shenzhen_clerk = staff_user("sz-clerk", "inspector", jurisdiction="440300")
    shenzhen_official = staff_user("sz-official", "official", jurisdiction="440300")
    huizhou_official = staff_user("hz-official", "official")
    overseer = staff_user("gd-official", "official", jurisdiction="440000")
    batch = batch_create(composer=shenzhen_clerk)
    for entry in entry_add(
        batch=batch, findings=[shenzhen_finding()], actor=shenzhen_clerk
    ).created:
        entry.responsible_person = "王五"
        entry.save(update_fields=["responsible_person"])
    batch_submit(batch=batch, actor=shenzhen_clerk)

    assert user_authority(overseer).name == "广东省应急管理厅"
    assert batch not in visible_batches(huizhou_official)
    with pytest.raises(Http404):
        batch_for_user(huizhou_official, batch.pk)
    client.force_login(huizhou_official)
    assert client.get(f"/staff/batches/{batch.pk}/").status_code == 404

    # The province reads the batch, is offered no move on it, and is refused one asked.
    assert batch in visible_batches(overseer)
    _batch, rights = batch_for_user(overseer, batch.pk)
    assert not rights["approve"].shown
    assert not rights["return"].shown
    with pytest.raises(PublicationError, match="深圳市应急管理局"):
        batch_approve(batch=batch, actor=overseer)
    client.force_login(overseer)
    page = client.get(f"/staff/batches/{batch.pk}/")
    assert page.status_code == 200
    assert "/approve/" not in page.content.decode()
    assert "该批次由深圳市应急管理局办理，您可以查阅，不能办理。" in page.content.decode()
    # The province's staff pages are headed by the province; the list names each batch's city.
    assert "广东省应急管理厅" in page.content.decode()
    listing = client.get("/staff/batches/").content.decode()
    assert '<th scope="col">公示机关</th>' in listing
    assert "<td>深圳市应急管理局</td>" in listing
    assert client.post(f"/staff/batches/{batch.pk}/approve/").status_code in (403, 404)
    assert Batch.objects.get(pk=batch.pk).number is None

    # Shenzhen's staff pages are headed by Shenzhen's authority and hotline.
    client.force_login(shenzhen_official)
    own = client.get(f"/staff/batches/{batch.pk}/").content.decode()
    assert "深圳市应急管理局" in own
    assert "0755-12350" in own
    assert "不能办理" not in own

    # Nor does Huizhou's official approve it; Shenzhen's does.
    with pytest.raises((PublicationError, Http404)):
        batch_approve(batch=batch, actor=huizhou_official)
    assert batch_approve(batch=batch, actor=shenzhen_official).number == 1
    assert [b.pk for b in batch_list(user=overseer)[1]] == [batch.pk]


def test_a_city_publishes_only_what_was_found_in_its_own_area(province):
    huizhou_clerk = staff_user("hz-clerk", "inspector")
    batch = batch_create(composer=huizhou_clerk)
    with pytest.raises(PublicationError, match=f"不在{settings.AUTHORITY_NAME}的辖区"):
        entry_add(batch=batch, findings=[shenzhen_finding()], actor=huizhou_clerk)
    assert not batch.entries.exists()


def test_a_citys_notice_is_headed_and_signed_by_its_own_authority(province, tmp_path):
    shenzhen_clerk = staff_user("sz-clerk", "inspector", jurisdiction="440300")
    shenzhen_official = staff_user("sz-official", "official", jurisdiction="440300")
    batch = approved(shenzhen_clerk, shenzhen_official, [shenzhen_finding()])
    path = tmp_path / "notice.pdf"
    path.write_bytes(build_notice_pdf(batch, draft=True))
    text = subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    compact = "".join(text.split())
    assert compact.startswith("深圳市应急管理局")
    assert "《深圳市安全生产公示曝光办法》" in compact
    assert "0755-12350" in compact
    assert "惠州" not in compact


def test_records_kept_by_place_stay_in_their_city(province):
    huizhou_inspector = staff_user("hz-inspector", "inspector")
    overseer = staff_user("gd-official", "official", jurisdiction="440000")
    shenzhen_case = CaseFactory(enterprise=shenzhen_finding().inspection.enterprise)
    huizhou_case = CaseFactory()

    assert list(cases_visible_to(huizhou_inspector)) == [huizhou_case]
    assert set(cases_visible_to(overseer)) == {huizhou_case, shenzhen_case}

    shenzhen_report = SubmissionFactory(district=province["futian"])
    huizhou_report = SubmissionFactory(district=Jurisdiction.objects.get(code="441302"))
    assert set(submissions_for_staff(user=overseer)) >= {shenzhen_report, huizhou_report}
    huizhou_official = staff_user("hz-official", "official")
    assert shenzhen_report not in submissions_for_staff(user=huizhou_official)


def test_the_province_reads_and_supervises_a_citys_case_and_decides_none_of_it(province):
    overseer = staff_user("gd-official", "official", jurisdiction="440000")
    province_supervisor = staff_user("gd-supervisor", "supervisor", jurisdiction="440000")
    shenzhen_official = staff_user("sz-official", "official", jurisdiction="440300")
    case = CaseFactory(
        enterprise=shenzhen_finding().inspection.enterprise, deadline=datetime.date(2009, 4, 30)
    )
    today = datetime.date(2009, 6, 1)  # overdue

    _case, rights = case_for_user(overseer, case.pk)
    assert not rights["extend"].shown
    assert not rights["pass"].shown
    with pytest.raises(CaseError, match="深圳市应急管理局"):
        case_extend_deadline(
            case=case, actor=overseer, new_deadline=datetime.date(2009, 9, 30), reason="延期"
        )
    assert case_rights(case, province_supervisor, today=today)["supervise"].allowed
    assert case_rights(case, shenzhen_official, today=today)["extend"].shown


def test_the_provinces_dashboard_sets_each_citys_figures_side_by_side(province, client):
    overseer = staff_user("gd-supervisor", "supervisor", jurisdiction="440000")
    huizhou_official = staff_user("hz-official", "official")
    futian = province["futian"]
    ListedEntryFactory(case__deadline=datetime.date(2009, 4, 30))  # 惠城区, overdue by now
    ListedEntryFactory(
        district=futian,
        finding=shenzhen_finding(),
        batch__authority=Authority.objects.get(jurisdiction=province["shenzhen"]),
        case__deadline=datetime.date(2099, 4, 30),
    )

    rows = {
        row["authority"].place: (row["listed"], row["active"], row["overdue"])
        for row in authorities_overview(user=overseer, today=datetime.date(2026, 12, 7))
    }
    assert rows == {"惠州市": (1, 1, 1), "深圳市": (1, 1, 0)}
    # A city's own staff read one authority: no overview.
    assert authorities_overview(user=huizhou_official) == []

    client.force_login(overseer)
    page = client.get("/staff/").content.decode()
    assert "各市公示与整改" in page
    assert "深圳市应急管理局" in page
