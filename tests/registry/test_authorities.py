"""Authorities as data (registry.models.Authority, registry.authorities): a one-city
database's settings became its city's authority; an empty field is inherited from the
authority above, then from settings; what the pages, notices and rules say follows an edit."""

import dataclasses
import datetime
import importlib

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.enums import PeriodUnit
from publicity.forms import PublishForm
from publicity.term import early_removal_allowed_from
from rectification.enums import CaseStatus
from registry.authorities import authority_for, deployment_authority, deployment_defaults
from registry.models import Authority, Jurisdiction
from tests.factories import ListedEntryFactory

pytestmark = pytest.mark.django_db

CITY, HUICHENG = "441300", "441302"


def city_authority() -> Authority:
    return Authority.objects.get(jurisdiction__code=CITY)


def test_the_migration_made_the_citys_settings_its_authority():
    authority = city_authority()

    assert (authority.name, authority.name_en) == (
        settings.AUTHORITY_NAME,
        settings.AUTHORITY_NAME_EN,
    )
    assert (authority.regulation, authority.hotline, authority.newspapers) == (
        settings.CITY_REGULATION,
        settings.REPORTING_HOTLINE,
        settings.NOTICE_DEFAULT_OUTLET,
    )
    assert (authority.map_script, authority.map_name) == (
        settings.PUBLIC_MAP_SCRIPT,
        settings.PUBLIC_MAP_NAME,
    )
    assert (
        authority.objection_period_days,
        authority.objection_period_unit,
        authority.publicity_term_days,
        authority.early_removal_after_days,
    ) == (
        settings.OBJECTION_PERIOD_DAYS,
        settings.OBJECTION_PERIOD_UNIT,
        settings.PUBLICITY_TERM_DAYS,
        settings.EARLY_REMOVAL_AFTER_DAYS,
    )
    # The resolved rules of the deployment are exactly its settings: nothing printed moved.
    assert deployment_authority() == dataclasses.replace(
        deployment_defaults(),
        pk=authority.pk,
        path=authority.jurisdiction.path,
        place_en=authority.jurisdiction.name_en,
    )


def test_the_migration_runs_again_on_an_empty_table_and_reverses():
    migration = importlib.import_module("registry.migrations.0012_authority")
    Authority.objects.all().delete()

    migration.authority_from_settings(global_apps, None)
    assert list(Authority.objects.values_list("jurisdiction__code", flat=True)) == [CITY]
    migration.authority_from_settings(global_apps, None)  # once per top jurisdiction
    assert Authority.objects.count() == 1

    migration.authorities_removed(global_apps, None)
    assert not Authority.objects.exists()
    # Without any authority the deployment's defaults serve.
    assert deployment_authority() == deployment_defaults()


def test_an_empty_field_is_inherited_from_the_authority_above_then_from_settings():
    city = city_authority()
    city.hotline = "0752-12350"
    city.publicity_term_days = None  # left to the deployment's default
    city.save()
    district = Authority.objects.create(
        jurisdiction=Jurisdiction.objects.get(code=HUICHENG),
        name="惠城区应急管理局",
        objection_period_days=7,
        objection_period_unit=PeriodUnit.CALENDAR,
    )

    rules = authority_for(district.jurisdiction)

    assert rules.name == "惠城区应急管理局"
    assert rules.place == "惠城区"
    assert rules.hotline == "0752-12350"  # the city's
    assert rules.regulation == settings.CITY_REGULATION  # the city's, from the migration
    assert rules.publicity_term_days == settings.PUBLICITY_TERM_DAYS  # settings'
    assert (rules.objection_period.days, rules.objection_period.unit) == (7, "calendar")
    # A jurisdiction without an authority of its own is its city's.
    other = Jurisdiction.objects.filter(parent__code=CITY).exclude(code=HUICHENG).first()
    assert authority_for(other).name == settings.AUTHORITY_NAME
    assert deployment_authority().hotline == "0752-12350"


def test_what_the_site_says_follows_an_edit(client, django_capture_on_commit_callbacks):
    assert settings.REPORTING_HOTLINE in client.get(reverse("home")).content.decode()
    city = city_authority()
    city.name, city.hotline, city.newspapers = "惠州市应急管理局", "0752-9999", "南方日报、惠州日报"
    with django_capture_on_commit_callbacks(execute=True):
        city.save()

    html = client.get(reverse("home")).content.decode()

    assert "0752-9999" in html  # the public page cache was dropped with the change
    assert "惠州市应急管理局" in html
    assert PublishForm().initial["outlet"] == "南方日报"


def test_the_early_removal_rule_is_the_entrys_authoritys():
    closed = datetime.date(2021, 1, 10)
    entry = ListedEntryFactory(case__status=CaseStatus.RECTIFIED, case__closed_on=closed)
    assert early_removal_allowed_from(entry) == closed + datetime.timedelta(
        days=settings.EARLY_REMOVAL_AFTER_DAYS
    )
    Authority.objects.create(
        jurisdiction=entry.district, name="惠城区应急管理局", early_removal_after_days=180
    )

    assert early_removal_allowed_from(entry) == closed + datetime.timedelta(days=180)


def test_a_map_outline_that_is_not_among_the_static_files_is_refused():
    city = city_authority()
    city.map_script = "guang3_dong1_nowhere.js"

    with pytest.raises(ValidationError, match="找不到该地图边界文件"):
        city.full_clean()
    city.map_script = settings.PUBLIC_MAP_SCRIPT
    city.full_clean()


@pytest.mark.django_db(transaction=True)
def test_the_citys_authority_and_its_rights_are_there_after_a_transactional_tests_flush():
    # A transactional test empties every table at its end; the suite puts the migrated rows
    # back (tests/conftest.py), the authority and the administrator's rights on it included.
    from django.contrib.auth.models import Group

    assert Authority.objects.filter(jurisdiction__code=CITY).exists()
    rights = Group.objects.get(name="administrator").permissions.filter(
        codename__endswith="_authority"
    )
    assert sorted(rights.values_list("codename", flat=True)) == [
        "add_authority",
        "change_authority",
        "delete_authority",
        "view_authority",
    ]


def test_a_thread_reads_the_rules_once_for_many_rows(django_assert_num_queries):
    # A batch page asks each row's early-removal rule: one query into an empty cache, then
    # the thread's copy, neither the database nor the cache again.
    district = Jurisdiction.objects.get(code=HUICHENG)
    with django_assert_num_queries(1):
        for _ in range(100):
            authority_for(district)
    city = city_authority()
    city.early_removal_after_days = 200
    city.save()  # drops the copy at once

    assert authority_for(district).early_removal_after_days == 200
