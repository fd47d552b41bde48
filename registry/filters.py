"""FilterSets of the staff lists, applied by the selectors (registry.selectors)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.sql import AnyOf, Unindexed
from registry.enums import (
    AccidentKind,
    InspectionKind,
    JurisdictionLevel,
    LicenceStatus,
    OperatingStatus,
)
from registry.models import Accident, Enterprise, Industry, Inspection, Jurisdiction
from registry.permissions import scope_to_user
from registry.search import enterprise_search, has_exposures

AnyUser = User | AnonymousUser

YES_NO = [("true", _("是")), ("false", _("否"))]


def _districts(request: object = None) -> QuerySet[Jurisdiction]:
    # django-filter calls a queryset callable with the request.
    return Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by("sort_order")


class DistrictsOfUser(django_filters.FilterSet):
    """A staff list's filters whose district choices are the user's area's (in a province,
    their own city's districts; a province's staff, every city's)."""

    def __init__(self, *args: Any, user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        district = self.filters.get("district")
        if user is not None and district is not None:
            district.queryset = scope_to_user(_districts(), user, "path")


def _in_district(queryset: QuerySet, path_field: str, value: Jurisdiction | None) -> QuerySet:
    if value is None:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": value.path})


class EnterpriseFilter(DistrictsOfUser):
    q = django_filters.CharFilter(label=_("名称或统一社会信用代码"), method="filter_q")
    district = django_filters.ModelChoiceFilter(
        label=_("县区"), queryset=_districts, method="filter_district", empty_label=_("全部")
    )
    industry = django_filters.ModelChoiceFilter(
        label=_("行业"), queryset=Industry.objects.all(), empty_label=_("全部")
    )
    licence_status = django_filters.ChoiceFilter(
        label=_("证照状态"), choices=LicenceStatus.choices, empty_label=_("全部")
    )
    operating_status = django_filters.ChoiceFilter(
        label=_("经营状态"), choices=OperatingStatus.choices, empty_label=_("全部")
    )
    has_exposures = django_filters.ChoiceFilter(
        label=_("曾被公示曝光"), choices=YES_NO, method="filter_exposed", empty_label=_("全部")
    )

    class Meta:
        model = Enterprise
        fields = ["q", "district", "industry", "licence_status", "operating_status"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return enterprise_search(queryset, value)

    def filter_district(self, queryset: QuerySet, name: str, value: Jurisdiction) -> QuerySet:
        return _in_district(queryset, "jurisdiction__path", value)

    def filter_exposed(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        exposed = has_exposures()
        return queryset.filter(exposed if value == "true" else ~exposed)


class InspectionFilter(DistrictsOfUser):
    q = django_filters.CharFilter(label=_("单位名称或统一社会信用代码"), method="filter_q")
    district = django_filters.ModelChoiceFilter(
        label=_("县区"), queryset=_districts, method="filter_district", empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(
        label=_("检查类型"), choices=InspectionKind.choices, empty_label=_("全部")
    )
    date_from = django_filters.DateFilter(
        label=_("检查日期自"), field_name="date", lookup_expr="gte"
    )
    date_to = django_filters.DateFilter(label=_("至"), field_name="date", lookup_expr="lte")
    mine = django_filters.BooleanFilter(
        label=_("只看我参与的"), method="filter_mine", widget=django_filters.widgets.BooleanWidget
    )

    class Meta:
        model = Inspection
        fields = ["q", "district", "kind"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        units = enterprise_search(Enterprise.objects.all(), value)
        # The inspections of the matching units, read from their index and sorted: walking
        # every inspection by date for the few of the area whose unit matches read 90,000 a
        # district's page at 21 cities; this costs the matches, at most a word's units.
        return queryset.filter(AnyOf("enterprise_id", units.order_by().values("pk"))).order_by(
            Unindexed("date").desc(), "-id"
        )

    def filter_district(self, queryset: QuerySet, name: str, value: Jurisdiction) -> QuerySet:
        # Where the inspection took place, as the list is scoped.
        return _in_district(queryset, "place__path", value)

    def filter_mine(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value or self.request is None:
            return queryset
        return queryset.filter(inspectors=self.request.user)


class AccidentFilter(DistrictsOfUser):
    district = django_filters.ModelChoiceFilter(
        label=_("县区"), queryset=_districts, method="filter_district", empty_label=_("全部")
    )
    kind = django_filters.ChoiceFilter(
        label=_("事故类型"), choices=AccidentKind.choices, empty_label=_("全部")
    )
    # A year the calendar can hold: "?year=0", "-1" or "1e5" is a form error, not a 500 from
    # building the dates of year 0.
    year = django_filters.NumberFilter(
        label=_("年份"),
        field_name="date",
        lookup_expr="year",
        min_value=1949,
        max_value=2200,
        decimal_places=0,
    )
    major = django_filters.ChoiceFilter(
        label=_("较大事故（死亡3人以上）"),
        choices=YES_NO,
        method="filter_major",
        empty_label=_("全部"),
    )

    class Meta:
        model = Accident
        fields = ["district", "kind", "year"]

    def filter_district(self, queryset: QuerySet, name: str, value: Jurisdiction) -> QuerySet:
        return _in_district(queryset, "jurisdiction__path", value)

    def filter_major(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(deaths__gte=3) if value == "true" else queryset.filter(deaths__lt=3)
