"""FilterSets of the publicity staff pages, applied in publicity.selectors."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from publicity.enums import BatchStatus
from publicity.models import Batch
from registry.enums import ExposureCategory, JurisdictionLevel
from registry.filters import DistrictsOfUser
from registry.models import Finding, Jurisdiction


class FindingPoolFilter(DistrictsOfUser):
    """The batch composer's pool: district, category, inspection date and campaign."""

    district = django_filters.ModelChoiceFilter(
        label=_("县区"),
        queryset=Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by(
            "sort_order", "code"
        ),
        method="filter_district",
        empty_label=_("全部县区"),
    )
    category = django_filters.ChoiceFilter(
        label=_("曝光种类"), choices=ExposureCategory.choices, empty_label=_("全部种类")
    )
    date_from = django_filters.DateFilter(
        label=_("检查日期从"),
        field_name="inspection__date",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("检查日期至"),
        field_name="inspection__date",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    campaign = django_filters.CharFilter(
        label=_("专项行动"), field_name="inspection__campaign", lookup_expr="icontains"
    )

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_district(
        self, queryset: QuerySet[Finding], name: str, value: Jurisdiction
    ) -> QuerySet[Finding]:
        # One indexed prefix match: the district and every township under it, where the
        # inspection took place.
        return queryset.filter(inspection__place__path__startswith=value.path)


class BatchFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=BatchStatus.choices, empty_label=_("全部状态")
    )

    class Meta:
        model = Batch
        fields: list[str] = []
