"""The demo is a small province: Guangdong at the root with its authority, Huizhou under it
(its figures: tests/demo/test_huizhou.py) and Heyuan beside it, generated and saying so, with
its own staff and batches numbered by its own authority; a provincial account reads every
city's lists and cases and approves nothing of a city's."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db.models import Count

from core import roles
from demo.city import DEMO_USERS
from publicity.enums import BatchStatus
from publicity.errors import PublicationError
from publicity.models import Batch, Entry
from publicity.permissions import batch_for_user, visible_batches
from publicity.selectors import authorities_overview
from publicity.services import batch_approve, batch_create, batch_submit, entry_add
from rectification.enums import CaseStatus, EventKind
from rectification.models import Case
from rectification.permissions import case_for_user, cases_visible_to
from rectification.services import case_extend_deadline
from rectification.workflows import CaseError
from registry.enums import JurisdictionLevel
from registry.models import Authority, Enterprise, Jurisdiction, StaffProfile
from registry.permissions import user_authority
from tests.factories import FindingFactory, InspectionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def heyuan_cases():
    return Case.objects.filter(place__path__startswith="440000/441600/")


def heyuan_entries():
    return Entry.objects.filter(batch__authority__jurisdiction__code="441600")


def user(username):
    return get_user_model().objects.get(username=username)


def test_demo_is_a_province_of_two_cities():
    guangdong = Jurisdiction.objects.get(code="440000")
    assert (guangdong.name, guangdong.name_en, guangdong.level) == (
        "广东省",
        "Guangdong Province",
        JurisdictionLevel.PROVINCE,
    )
    assert guangdong.parent is None
    assert list(Jurisdiction.objects.filter(parent=None)) == [guangdong]
    assert list(
        Authority.objects.order_by("jurisdiction__path").values_list(
            "jurisdiction__code", "name", "name_en", "site_slug"
        )
    ) == [
        (
            "440000",
            "广东省安全生产监督管理局",
            "Guangdong Provincial Administration of Work Safety",
            None,
        ),
        (
            "441300",
            "惠州市安全生产监督管理局",
            "Huizhou Municipal Administration of Work Safety",
            "huizhou",
        ),
        (
            "441600",
            "河源市安全生产监督管理局",
            "Heyuan Municipal Administration of Work Safety",
            "heyuan",
        ),
    ]
    # Huizhou took its tree along; Heyuan's counties and townships are under it.
    assert Jurisdiction.objects.get(code="441302002").path == "440000/441300/441302/441302002/"
    counties = Jurisdiction.objects.filter(parent__code="441600").order_by("sort_order")
    assert [(c.code, c.name, c.level) for c in counties] == [
        ("441602", "源城区", JurisdictionLevel.DISTRICT),
        ("441621", "紫金县", JurisdictionLevel.DISTRICT),
        ("441622", "龙川县", JurisdictionLevel.DISTRICT),
        ("441623", "连平县", JurisdictionLevel.DISTRICT),
        ("441624", "和平县", JurisdictionLevel.DISTRICT),
        ("441625", "东源县", JurisdictionLevel.DISTRICT),
    ]
    assert Jurisdiction.objects.get(code="441621102").path == "440000/441600/441621/441621102/"
    # Heyuan's own rules: its newspaper, hotline and map, whose outline is a static file.
    heyuan = Authority.objects.get(jurisdiction__code="441600")
    assert (heyuan.newspapers, heyuan.hotline, heyuan.map_name) == (
        "河源日报",
        "0762-12350",
        "河源",
    )
    # Its outline's features are its counties, by code, as the map matches them.
    outline = Path(finders.find(f"vendor/china-cities/{heyuan.map_script}")).read_text()
    for county in counties:
        assert f'id:"{county.code}"' in outline, county.code
    heyuan.full_clean()


def test_demo_heyuan_batches_are_numbered_by_its_own_authority():
    heyuan = Authority.objects.get(jurisdiction__code="441600")
    rows = list(
        Batch.objects.filter(authority=heyuan)
        .order_by("published_on")
        .values_list(
            "year", "number", "published_on", "status", "outlet", "composed_by__username",
            "approved_by__username",
        )
    )  # fmt: skip
    assert rows == [
        (
            2009,
            number,
            day,
            BatchStatus.PUBLISHED,
            "河源日报",
            "heyuan_inspector",
            "heyuan_official",
        )
        for number, day in enumerate(
            [
                datetime.date(2009, 3, 27),
                datetime.date(2009, 5, 29),
                datetime.date(2009, 7, 24),
                datetime.date(2009, 9, 11),
            ],
            start=1,
        )
    ]
    # Huizhou's batches of 2009 are numbered on their own, 1 to 5.
    assert list(
        Batch.objects.filter(authority__jurisdiction__code="441300", year=2009)
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2, 3, 4, 5]
    sizes = [b.entries.count() for b in Batch.objects.filter(authority=heyuan).order_by("number")]
    assert sizes == [22, 14, 12, 12]
    # Every notice was built.
    for batch in Batch.objects.filter(authority=heyuan).order_by("number"):
        assert len(batch.notice_sha256) == 64
        assert (
            f"{batch.authority.jurisdiction.name}{batch.label}" == f"河源市2009年第{batch.number}批"
        )


def test_demo_heyuan_is_generated_and_says_so():
    entries = list(heyuan_entries().select_related("district", "enterprise__jurisdiction"))
    assert len(entries) == 60
    # One of them is the unit Heyuan shares with Huizhou (registered there, a site here).
    own = [e for e in entries if e.enterprise.jurisdiction.path.startswith("440000/441600/")]
    assert len(own) == 59
    for entry in entries:
        assert entry.violation_text.endswith("（演示数据：随机生成，非真实单位）")
        assert entry.district.path.startswith("440000/441600/")
    for entry in own:
        assert "演示" in entry.unit_name, entry.unit_name
        assert entry.enterprise.jurisdiction.parent_id == entry.district.pk
    assert len({entry.unit_name for entry in entries}) == 60
    assert Enterprise.objects.filter(jurisdiction__path__startswith="440000/441600/").count() == 59


def test_demo_a_unit_exposed_in_both_cities_is_one_unit_shown_on_both_sites(client):
    """The acceptance's "a unit exposed in both cities shows both": Huizhou's first printed
    unit of 2008 has a site in Heyuan, inspected and exposed there by Heyuan."""
    shared = next(
        e
        for e in heyuan_entries().select_related("enterprise__jurisdiction")
        if e.enterprise.jurisdiction.path.startswith("440000/441300/")
    )
    huizhou = Entry.objects.filter(
        enterprise=shared.enterprise, batch__authority__jurisdiction__code="441300"
    ).first()
    assert huizhou is not None
    assert shared.finding.inspection.place.path.startswith("440000/441600/")
    page = client.get(f"/huizhou/entries/{huizhou.pk}/").content.decode()
    assert f'href="/heyuan/entries/{shared.pk}/"' in page
    other = client.get(f"/heyuan/entries/{shared.pk}/").content.decode()
    assert f'href="/huizhou/entries/{huizhou.pk}/"' in other
    # At the province's root an entry's page goes to its city's site.
    assert client.get(f"/entries/{shared.pk}/")["Location"] == f"/heyuan/entries/{shared.pk}/"
    dispositions = dict(
        heyuan_entries().values_list("disposition").annotate(n=Count("id")).order_by()
    )
    assert dispositions == {
        "banned": 18,
        "suspended_for_overhaul": 18,
        "work_stopped": 3,
        "rectify_by_deadline": 10,
        "suspended": 9,
        "closed": 2,
    }


def test_demo_heyuan_cases_stand_in_various_states():
    statuses = dict(heyuan_cases().values_list("status").annotate(n=Count("id")).order_by())
    assert statuses == {
        CaseStatus.OPEN: 6,
        CaseStatus.REINSPECTION_REQUESTED: 2,
        CaseStatus.RECTIFIED: 34,
        CaseStatus.CLOSURE_VERIFIED: 18,
    }
    overdue = heyuan_cases().overdue()
    assert overdue.count() == 7
    # Escalated by the sweeps of 2009, and followed up by Heyuan's supervisor.
    assert overdue.filter(escalated_at__isnull=True).count() == 0
    assert {moment.year for moment in overdue.values_list("escalated_at", flat=True)} == {2009}
    assert (
        heyuan_cases()
        .filter(events__kind=EventKind.SUPERVISION, events__actor__username="heyuan_supervisor")
        .distinct()
        .count()
        == 7
    )
    # One given more time lately, into the future.
    assert heyuan_cases().active().exclude(pk__in=overdue).count() == 1


def test_demo_heyuan_has_its_own_staff_in_its_jurisdictions():
    profiles = {
        p.user.username: (p.jurisdiction.code, list(p.user.groups.values_list("name", flat=True)))
        for p in StaffProfile.objects.filter(
            jurisdiction__path__startswith="440000/441600/"
        ).select_related("user", "jurisdiction")
    }
    assert profiles == {
        "heyuan_inspector": ("441600", [roles.INSPECTOR]),
        "heyuan_inspector_zijin": ("441621", [roles.INSPECTOR]),
        "heyuan_official": ("441600", [roles.OFFICIAL]),
        "heyuan_supervisor": ("441600", [roles.SUPERVISOR]),
        "heyuan_liaison": ("441600", [roles.LIAISON]),
        "heyuan_liaison_housing": ("441600", [roles.LIAISON]),
        "heyuan_liaison_zijin": ("441621", [roles.LIAISON]),
    }
    assert user_authority(user("heyuan_inspector_zijin")).name == "河源市安全生产监督管理局"
    # Heyuan's official sees Heyuan's batches and cases only.
    official = user("heyuan_official")
    assert set(
        visible_batches(official).values_list("authority__jurisdiction__code", flat=True)
    ) == {"441600"}
    assert cases_visible_to(official).count() == 60


def test_demo_province_account_reads_every_city_and_approves_nothing():
    overseer = user("guangdong")
    profile = StaffProfile.objects.select_related("jurisdiction").get(user=overseer)
    assert (profile.jurisdiction.code, profile.jurisdiction.level) == (
        "440000",
        JurisdictionLevel.PROVINCE,
    )
    assert list(overseer.groups.values_list("name", flat=True)) == [roles.OFFICIAL]
    assert user_authority(overseer).name == "广东省安全生产监督管理局"
    assert visible_batches(overseer).count() == 15
    assert cases_visible_to(overseer).count() == 347 + 60

    # A city's batch, submitted: the province reads it, is offered no move and refused one.
    inspector = user("heyuan_inspector")
    heyuan_batch = Batch.objects.filter(authority__jurisdiction__code="441600").first()
    _batch, rights = batch_for_user(overseer, heyuan_batch.pk)
    assert not rights["approve"].shown
    unit = Enterprise.objects.filter(jurisdiction__path__startswith="440000/441600/").first()
    batch = batch_create(composer=inspector)
    for entry in entry_add(
        batch=batch,
        findings=[FindingFactory(inspection=InspectionFactory(enterprise=unit))],
        actor=inspector,
    ).created:
        entry.responsible_person = "王五"
        entry.save(update_fields=["responsible_person"])
    batch_submit(batch=batch, actor=inspector)
    _batch, rights = batch_for_user(overseer, batch.pk)
    assert not rights["approve"].shown
    with pytest.raises(PublicationError, match="河源市安全生产监督管理局"):
        batch_approve(batch=batch, actor=overseer)
    # Heyuan's own official may.
    assert batch_for_user(user("heyuan_official"), batch.pk)[1]["approve"].shown

    # A city's overdue case: read, not extended.
    case = heyuan_cases().overdue().order_by("pk").first()
    _case, case_rights = case_for_user(overseer, case.pk)
    assert not case_rights["extend"].shown
    with pytest.raises(CaseError, match="河源市安全生产监督管理局"):
        case_extend_deadline(
            case=case,
            actor=overseer,
            new_deadline=TODAY + datetime.timedelta(days=30),
            reason="延期",
        )


def test_demo_province_dashboard_sets_the_two_cities_side_by_side():
    rows = {
        row["authority"].place: (row["listed"], row["active"], row["overdue"], row["finished"])
        for row in authorities_overview(user=user("guangdong"))
    }
    assert rows == {"惠州市": (347, 30, 25, 317), "河源市": (60, 8, 7, 52)}
    assert authorities_overview(user=user("heyuan_official")) == []


def test_demo_logins_say_where_each_works():
    places = {username: place for username, _role, place in DEMO_USERS}
    assert places["guangdong"] == "广东省"
    assert places["official"] == "惠州市"
    assert places["heyuan_official"] == "河源市"
    assert DEMO_USERS[0] == ("guangdong", roles.OFFICIAL, "广东省")
    output = StringIO()
    call_command("load_demo", stdout=output)
    lines = output.getvalue().split("Demo logins (password gongshi-demo):\n")[1].splitlines()
    assert [line.split() for line in lines] == [list(login) for login in DEMO_USERS]
    # Every login of the cast exists, whatever its city.
    assert get_user_model().objects.filter(
        username__in=[username for username, _role, _place in DEMO_USERS]
    ).count() == len(DEMO_USERS)


def test_demo_province_account_lists_both_cities(client):
    client.force_login(user("guangdong"))
    batches = client.get("/staff/batches/")
    cases = client.get("/staff/cases/")
    assert (batches.status_code, cases.status_code) == (200, 200)
    # The list names each batch's authority: both cities' are there.
    listed = batches.content.decode()
    assert listed.count("<td>河源市安全生产监督管理局</td>") == 4
    assert listed.count("<td>惠州市安全生产监督管理局</td>") == 11
    page = cases.content.decode()
    for city in ("441300", "441600"):
        names = Case.objects.filter(place__path__startswith=f"440000/{city}/").values_list(
            "enterprise__name", flat=True
        )
        assert any(name in page for name in names), city
