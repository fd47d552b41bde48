"""Huizhou, the demo province's first city, reproduces the bureau's published figures, and
the demo loads once. Heyuan beside it (tests/demo/test_province.py) changes none of them:
each figure is Huizhou's own (its authority's batches, the cases of its units)."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from core import roles
from demo.city import DEMO_USERS
from public.selectors import statistics
from publicity.enums import BatchStatus, EntryStatus
from publicity.models import Batch, Entry
from publicity.selectors import site_counts_compute, site_tallies_drift
from rectification.enums import CaseGoal, CaseStatus, EventKind, ReminderKind
from rectification.models import Case, Event, Reminder
from rectification.reminders import reminders_sweep
from rectification.services import case_goal_for
from registry.enums import Disposition, JurisdictionLevel
from registry.models import Accident, Department, Enterprise, Jurisdiction, StaffProfile
from registry.validators import validate_credit_code

HUIZHOU = "441300"


def in_huizhou(path_field: str) -> Q:
    """The rows whose jurisdiction lies in Huizhou (``path_field``: the lookup of its path)."""
    return Q(**{f"{path_field}__startswith": Jurisdiction.objects.get(code=HUIZHOU).path})


def batches():
    return Batch.objects.filter(authority__jurisdiction__code=HUIZHOU)


def entries():
    return Entry.objects.filter(batch__authority__jurisdiction__code=HUIZHOU)


def cases():
    # By where each case's unit was found (Case.place): a unit registered in Huizhou that
    # Heyuan exposed has its Heyuan case there.
    return Case.objects.filter(in_huizhou("place__path"))


def enterprises():
    return Enterprise.objects.filter(in_huizhou("jurisdiction__path"))


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed  # core.Access only carries permissions; it has no table
    }


@pytest.mark.django_db
def test_load_demo_reproduces_seed_figures():
    call_command("load_demo", stdout=StringIO())

    published = list(batches().order_by("published_on"))
    assert len(published) == 11
    assert {b.status for b in published} == {BatchStatus.PUBLISHED}
    assert published[0].published_on == datetime.date(2008, 9, 27)
    assert published[0].entries.count() == 178
    assert entries().count() == 347
    assert entries().filter(status=EntryStatus.LISTED).count() == 347
    dispositions = dict(entries().values_list("disposition").annotate(n=Count("id")).order_by())
    assert dispositions == {
        Disposition.BANNED: 131,
        Disposition.SUSPENDED_FOR_OVERHAUL: 104,
        Disposition.WORK_STOPPED: 14,
        Disposition.RECTIFY_BY_DEADLINE: 35,
        Disposition.SUSPENDED: 59,
        Disposition.CLOSED: 4,
    }
    assert cases().count() == 347
    assert entries().filter(case__isnull=False).values("case").distinct().count() == 347
    assert batches().filter(approved_by=F("composed_by")).count() == 0
    assert batches().filter(approved_by__isnull=True).count() == 0


@pytest.mark.django_db
def test_load_demo_numbers_batches_per_year_without_gaps():

    numbers: dict[int, list[int]] = {}
    for year, number in batches().order_by("year", "number").values_list("year", "number"):
        numbers.setdefault(year, []).append(number)
    assert numbers == {2008: [1, 2], 2009: [1, 2, 3, 4, 5], 2010: [1, 2, 3, 4]}
    for batch in batches():
        positions = list(batch.entries.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, len(positions) + 1))
        assert batch.entries.exclude(published_on=batch.published_on).count() == 0


@pytest.mark.django_db
def test_load_demo_reproduces_accident_totals():

    def totals(start: datetime.date, end: datetime.date) -> dict[str, object]:
        return Accident.objects.filter(date__range=(start, end)).aggregate(
            count=Count("id"), deaths=Sum("deaths"), injuries=Sum("injuries"),
            loss=Sum("direct_loss"),
        )  # fmt: skip

    assert totals(datetime.date(2008, 1, 1), datetime.date(2008, 12, 31)) == {
        "count": 1517, "deaths": 488, "injuries": 1204, "loss": Decimal("12452000.00"),
    }  # fmt: skip
    assert totals(datetime.date(2009, 1, 1), datetime.date(2009, 11, 30)) == {
        "count": 1003, "deaths": 319, "injuries": 883, "loss": Decimal("11852000.00"),
    }  # fmt: skip
    assert totals(datetime.date(2010, 1, 1), datetime.date(2010, 11, 30)) == {
        "count": 988, "deaths": 301, "injuries": 743, "loss": Decimal("10936000.00"),
    }  # fmt: skip
    # Nothing outside the three periods the bureau reported.
    assert Accident.objects.count() == 1517 + 1003 + 988
    majors = dict(
        Accident.objects.filter(deaths__gte=3)
        .values_list("date__year")
        .annotate(n=Count("id"))
        .order_by()
    )
    assert majors == {2008: 9, 2009: 4, 2010: 2}


@pytest.mark.django_db
def test_load_demo_creates_demo_users_in_their_groups():

    user_model = get_user_model()
    for username, role, _place in DEMO_USERS:
        user = user_model.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert user.is_staff
        assert user.is_superuser == (username == "admin")
        assert user.check_password("gongshi-demo")
    profiles = {
        p.user.username: (p.jurisdiction.code, p.department.code if p.department else None)
        for p in StaffProfile.objects.select_related("user", "jurisdiction", "department")
    }
    assert {name: profiles[name] for name in CORE_CAST} == CORE_CAST


# The cast every earlier demo had, where each still works.
CORE_CAST = {
    "inspector": ("441300", "city_safety"),
    "inspector_huicheng": ("441302", "safety_441302"),
    "official": ("441300", "city_safety"),
    "liaison": ("441300", "city_housing"),
    "supervisor": ("441300", None),
    "admin": ("441300", None),
}


@pytest.mark.django_db
def test_load_demo_cast_covers_every_role_district_and_department():

    def members(role: str) -> list[StaffProfile]:
        return list(
            StaffProfile.objects.filter(
                in_huizhou("jurisdiction__path"), user__groups__name=role
            ).select_related("jurisdiction", "department")
        )

    officials = members(roles.OFFICIAL)
    assert len(officials) == 2
    districts = Jurisdiction.objects.filter(in_huizhou("path"), level=JurisdictionLevel.DISTRICT)
    departments = Department.objects.filter(in_huizhou("jurisdiction__path"))
    inspectors = members(roles.INSPECTOR)
    assert sorted(p.jurisdiction.code for p in inspectors) == sorted(
        ["441300", *districts.values_list("code", flat=True)]
    )
    liaisons = members(roles.LIAISON)
    assert sorted(p.department.code for p in liaisons if p.department) == sorted(
        departments.values_list("code", flat=True)
    )
    assert len(members(roles.SUPERVISOR)) == 1
    assert len(members(roles.ADMINISTRATOR)) == 1
    # Four eyes without creating anyone: one official approves what the other could not.
    composers = set(batches().values_list("composed_by__username", flat=True))
    approvers = set(batches().values_list("approved_by__username", flat=True))
    assert approvers == {"official", "official2"}
    assert composers & approvers == set()
    # The launcher prints the command's list of logins: every user of the cast is in it,
    # with the city it works in.
    output = StringIO()
    call_command("load_demo", stdout=output)
    printed = output.getvalue().split("Demo logins (password gongshi-demo):\n")[1].split()
    assert printed[::3] == [username for username, _role, _place in DEMO_USERS]
    huizhou_logins = [username for username, _role, place in DEMO_USERS if place == "惠州市"]
    assert len(huizhou_logins) == 2 + 1 + districts.count() + departments.count() + 2


@pytest.mark.django_db
def test_load_demo_statistics_show_the_bureaus_2009_figures():

    figures = statistics(start=datetime.date(2009, 1, 1), end=datetime.date(2009, 11, 30))
    rows = {row["key"]: row for row in figures["accidents"]}
    assert figures["previous_period"] == {
        "start": datetime.date(2008, 1, 1), "end": datetime.date(2008, 11, 30),
    }  # fmt: skip
    assert (rows["accidents"]["current"], rows["accidents"]["previous"]) == (1003, 1355)
    assert rows["accidents"]["change"] == Decimal("-26.0")
    assert (rows["deaths"]["current"], rows["deaths"]["previous"]) == (319, 433)
    assert rows["deaths"]["change"] == Decimal("-26.3")
    assert (rows["injuries"]["current"], rows["injuries"]["previous"]) == (883, 1104)
    assert rows["injuries"]["change"] == Decimal("-20.0")
    assert (rows["major"]["current"], rows["major"]["previous"]) == (4, 9)

    def major_deaths(start: datetime.date, end: datetime.date) -> int:
        return Accident.objects.filter(date__range=(start, end), deaths__gte=3).aggregate(
            n=Sum("deaths")
        )["n"]

    assert major_deaths(datetime.date(2009, 1, 1), datetime.date(2009, 11, 30)) == 15
    assert major_deaths(datetime.date(2008, 1, 1), datetime.date(2008, 11, 30)) == 36


@pytest.mark.django_db
def test_load_demo_first_reminder_sweep_is_quiet_about_old_deadlines():
    before = set(Reminder.objects.values_list("id", flat=True))

    result = reminders_sweep()

    new = Reminder.objects.exclude(id__in=before).select_related("case")
    # Every overdue case of the province was escalated long ago (by the sweeps of its own
    # time): today brings only the weekly reminder of each case still overdue, and any
    # reminder before a deadline extended lately.
    assert result.recorded == new.count()
    assert new.filter(kind=ReminderKind.ESCALATION).count() == 0
    assert new.filter(kind=ReminderKind.OVERDUE).count() == Case.objects.overdue().count()
    assert Case.objects.overdue().filter(escalated_at__isnull=True).count() == 0
    # Nothing of Huizhou's from 2008 or 2009 is still open.
    new = new.filter(in_huizhou("case__place__path"))
    assert new.filter(case__deadline__lt=datetime.date(2010, 1, 1)).count() == 0
    assert new.filter(kind=ReminderKind.OVERDUE).count() == cases().overdue().count()
    assert cases().active().filter(opened_on__lt=datetime.date(2010, 1, 1)).count() == 0
    escalated = cases().overdue().values_list("escalated_at", flat=True)
    assert {moment.year for moment in escalated} <= {2010, 2011}


@pytest.mark.django_db
def test_load_demo_cases_have_a_responsible_contact_and_the_domains_goal():

    # The composer took down the responsible person's e-mail for about half the entries
    # (demo/data/batches.json), carried to the cases on publication.
    with_email = cases().exclude(responsible_email="").count()
    assert 0.4 < with_email / cases().count() < 0.7
    assert cases().exclude(responsible_phone="").count() > with_email
    for case in Case.objects.all():
        assert case.goal == case_goal_for(case.disposition)
    # Every step of a case's history happened on its day, not at load time.
    assert (
        Event.objects.filter(at__year__gte=2012).exclude(kind=EventKind.DEADLINE_EXTENDED).count()
        == 0
    )


@pytest.mark.django_db
def test_load_demo_second_run_writes_nothing(demo):
    first = demo  # what the module's load printed
    before = _row_counts()
    second = StringIO()
    call_command("load_demo", stdout=second)

    assert _row_counts() == before
    assert first.getvalue().startswith("Loaded the demo province in ")
    assert second.getvalue().startswith(
        "The demo province is already loaded; nothing written.\n"
        "Demo logins (password gongshi-demo):\n"
    )


@pytest.mark.django_db
def test_load_demo_has_overdue_future_and_finished_cases():

    today = timezone.localdate()
    statuses = dict(cases().values_list("status").annotate(n=Count("id")).order_by())
    assert statuses[CaseStatus.REINSPECTION_REQUESTED] == 6
    assert statuses[CaseStatus.OPEN] == 24
    assert statuses[CaseStatus.RECTIFIED] + statuses[CaseStatus.CLOSURE_VERIFIED] == 317
    assert cases().overdue().count() == 25
    assert cases().active().filter(deadline__gt=today).count() == 5
    assert cases().filter(status=CaseStatus.RECTIFIED, closed_on__isnull=False).exists()
    ending = Disposition.ending_operation()
    assert (
        Case.objects.filter(disposition__in=ending).exclude(goal=CaseGoal.VERIFY_CLOSURE).count()
        == 0
    )
    assert Case.objects.exclude(disposition__in=ending).exclude(goal=CaseGoal.RECTIFY).count() == 0
    # Each case follows up its own entry's finding and unit.
    assert entries().filter(case__findings=F("finding")).count() == 347
    assert entries().filter(case__enterprise=F("enterprise")).count() == 347


@pytest.mark.django_db
def test_load_demo_home_figures_come_from_tallies_equal_to_a_count():
    # The loader moved every row through the services on its historical days: the triggers
    # kept the tallies, which equal a count of the rows. The home page's figures are the
    # province's: Huizhou's (11 batches, 347 units, 317 cases finished, 30 active, 25 overdue)
    # and Heyuan's (4, 60 entries of 59 units of its own and one of Huizhou's, 52, 8, 7).
    assert site_tallies_drift() == {}
    assert site_counts_compute() == {
        "published_batches": 11 + 4,
        "exposed_units": 347 + 59,
        "listed_entries": 347 + 60,
        "cases_finished": 317 + 52,
        "cases_active": 30 + 8,
        "cases_overdue": 25 + 7,
    }


@pytest.mark.django_db
def test_load_demo_places_units_in_townships_with_valid_credit_codes():

    assert Entry.objects.exclude(district__level=JurisdictionLevel.DISTRICT).count() == 0
    # Each unit is exposed where it is registered, but the one Huizhou unit Heyuan exposed
    # at its site in Heyuan (by the inspection's place).
    elsewhere = Entry.objects.exclude(enterprise__jurisdiction__parent=F("district"))
    assert list(elsewhere.values_list("batch__authority__jurisdiction__code", flat=True)) == [
        "441600"
    ]
    assert Enterprise.objects.exclude(jurisdiction__level=JurisdictionLevel.TOWNSHIP).count() == 0
    codes = list(Enterprise.objects.exclude(credit_code=None).values_list("credit_code", flat=True))
    assert len(codes) == len(set(codes))
    for code in codes:
        validate_credit_code(code)
    assert Enterprise.objects.filter(credit_code=None).count() > 0
    assert enterprises().count() == 347


def _industry_kinds() -> dict[str, list[str]]:
    from demo.tables import VOCABULARY

    return {
        code: kinds["licensed"] + kinds["unlicensed"]
        for code, kinds in VOCABULARY["unit_kinds"].items()
    }


@pytest.mark.django_db
def test_load_demo_names_units_as_a_city_would():
    kinds = _industry_kinds()
    names = list(enterprises().values_list("name", "industry__code"))
    assert len(names) == 347
    # Each unit is named after its trade and kind: "惠城区联发五金加工厂", "石湾镇鸿运加油站".
    for name, industry in names:
        assert any(name.endswith(kind) for kind in kinds[industry]), (name, industry)
        assert len(name) >= 6, name
        assert not any("a" <= ch.lower() <= "z" for ch in name), name
        # Huizhou's are named as the city's would be; Heyuan's say they are demo data.
        assert "演示" not in name, name
    assert len({name for name, _industry in names}) == len(names)
    # As printed on the entries, too.
    printed = list(entries().values_list("unit_name", flat=True))
    assert len(set(printed)) == 347
    assert not [name for name in printed if any("a" <= ch.lower() <= "z" for ch in name)]


@pytest.mark.django_db
def test_load_demo_unit_names_are_found_by_the_public_search(client):
    expected = entries().filter(unit_name__contains="五金").count()
    assert expected > 0

    response = client.get("/entries/", {"q": "五金"})

    assert response.status_code == 200
    page = response.content.decode()
    found = [e.unit_name for e in entries().filter(unit_name__contains="五金")]
    assert sum(name in page for name in found) >= min(expected, 10)
