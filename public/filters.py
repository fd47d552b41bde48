"""The exposure list's filters (django-filter), shared by the list page, downloads and API.

Every filter is a GET parameter, so every filtered view has a shareable URL. Filters on the
entry's own copied columns (district, industry, disposition, publication date) use the
composite indexes of Entry; rectification status and overdue join the case.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from public.selectors import (
    DEFAULT_SORT,
    SORTS,
    entry_queryset,
    entry_search,
    public_cached,
)
from public.sites import current as current_site
from publicity.enums import BatchStatus, EntryStatus
from publicity.models import Batch, Entry
from rectification.enums import CaseStatus
from registry.enums import Disposition, ExposureCategory, JurisdictionLevel
from registry.models import Industry, Jurisdiction, bilingual_name

RECTIFICATION_CHOICES = [
    ("rectifying", _("整改中")),
    ("rectified", _("已整改")),
    ("closed", _("已核实关停")),
]
SCOPE_CHOICES = [
    ("listed", _("正在公示")),
    ("removed", _("已移出公示")),
    ("all", _("全部")),
]
SCOPES = {
    "listed": [EntryStatus.LISTED],
    "removed": [EntryStatus.REMOVED, EntryStatus.WITHDRAWN_BY_ERRATUM],
    "all": [EntryStatus.LISTED, EntryStatus.REMOVED, EntryStatus.WITHDRAWN_BY_ERRATUM],
}
SORT_CHOICES = [
    ("newest", _("公示日期（新到旧）")),
    ("oldest", _("公示日期（旧到新）")),
    ("name", _("单位名称")),
]


def _year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, 2007, -1)]


def _reference_choices() -> dict[str, list[tuple[str, str]]]:
    """The district and industry options, read once per cache version, not per request.

    Cached with the public pages' version (bumped on publication), but kept when the page
    cache is off: a form that iterates its querysets on every request costs more than the
    rows it filters.
    """

    def compute() -> dict[str, list[tuple[str, str]]]:
        districts = Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by(
            "parent__sort_order", "parent__code", "sort_order", "code"
        )
        site = current_site()
        site_districts = site.district_ids()
        if site_districts is not None:
            districts = districts.filter(pk__in=site_districts)
        # On a province's site, each district with its city: two cities may have a 城区.
        with_city = site.is_province
        rows = districts.values_list("pk", "name", "name_en", "parent__name", "parent__name_en")
        return {
            "district": [
                (
                    str(pk),
                    (
                        f"{bilingual_name(city, city_en)} · {bilingual_name(name, name_en)}"
                        if with_city and city
                        else bilingual_name(name, name_en)
                    ),
                )
                for pk, name, name_en, city, city_en in rows
            ],
            "industry": [
                (str(pk), bilingual_name(name, name_en))
                for pk, name, name_en in Industry.objects.values_list("pk", "name", "name_en")
            ],
        }

    return public_cached("filter-choices", None, compute, page=False)


def _district_choices() -> list[tuple[str, str]]:
    return _reference_choices()["district"]


def _industry_choices() -> list[tuple[str, str]]:
    return _reference_choices()["industry"]


class FlagCheckbox(forms.CheckboxInput):
    """A checkbox read strictly from the URL: absent, empty or "false" is off; "on" (what a
    browser sends) or "true" is on. Anything else is passed on for the field to refuse,
    where Django's checkbox would take any text for "on"."""

    values = {"": False, "false": False, "on": True, "true": True}

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = data.get(name)
        if value is None:
            return False
        return self.values.get(value.lower(), value) if isinstance(value, str) else value


class FlagField(forms.NullBooleanField):
    widget = FlagCheckbox

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        raise forms.ValidationError(
            forms.ChoiceField.default_error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": value},
        )


class FlagFilter(django_filters.BooleanFilter):
    field_class = FlagField


class EntryFilterForm(forms.Form):
    # Rendered on every first visit of the list: each field's HTML is kept per language,
    # value and choices (core.templatetags.ui.field_group); no field's attributes vary by
    # instance.
    render_fields_once = True

    # Part of the URL like the filters, so a shared link shows the same rows in the same order.
    scope = forms.ChoiceField(label=_("公示状态"), choices=SCOPE_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("排序"), choices=SORT_CHOICES, required=False)

    def field_order_last(self) -> None:
        """Show scope and sort after the filters."""
        for name in ("scope", "sort"):
            self.fields[name] = self.fields.pop(name)


class EntryFilter(django_filters.FilterSet):
    """Filters of the exposure list. Bind it to the query string (empty when there is none):
    the scope (listed, removed, all) defaults to what is on the list now."""

    q = django_filters.CharFilter(
        label=_("单位名称或统一社会信用代码"), method="filter_search", max_length=100
    )
    district = django_filters.ChoiceFilter(
        label=_("县区"), choices=_district_choices, empty_label=_("全部县区")
    )
    industry = django_filters.ChoiceFilter(
        label=_("行业"), choices=_industry_choices, empty_label=_("全部行业")
    )
    category = django_filters.ChoiceFilter(
        label=_("曝光类别"), choices=ExposureCategory.choices, empty_label=_("全部类别")
    )
    disposition = django_filters.ChoiceFilter(
        label=_("处理措施"), choices=Disposition.choices, empty_label=_("全部处理措施")
    )
    # A batch by id, from a batch page's link: a hidden field, never a <select> of every
    # batch (thousands at national scale). People choose a batch by year and number.
    batch = django_filters.ModelChoiceFilter(
        queryset=Batch.objects.filter(status=BatchStatus.PUBLISHED), widget=forms.HiddenInput
    )
    year = django_filters.ChoiceFilter(
        label=_("公示年度"),
        choices=_year_choices,
        method="filter_year",
        empty_label=_("全部年度"),
    )
    batch_number = django_filters.NumberFilter(
        label=_("批次号"),
        help_text=_("第几批；与公示年度一起使用，如 2009 年第 3 批。"),
        method="filter_batch_number",
        min_value=1,
        max_value=32767,
    )
    rectification = django_filters.ChoiceFilter(
        label=_("整改状态"),
        choices=RECTIFICATION_CHOICES,
        method="filter_rectification",
        empty_label=_("全部整改状态"),
    )
    overdue = FlagFilter(label=_("只看逾期未整改"), method="filter_overdue")

    # Set by filter_search: how many entries the search finds (public.selectors).
    search_matches: int | None = None

    class Meta:
        model = Entry
        fields = [
            "q",
            "district",
            "industry",
            "category",
            "disposition",
            "batch",
            "year",
            "batch_number",
        ]
        form = EntryFilterForm

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            form.field_order_last()  # type: ignore[attr-defined]
            # The options read at most once for the form, when first needed (validating and
            # rendering each iterate them; the callable alone read the cache every time).
            choices = functools.cache(_reference_choices)
            form.fields["district"].choices = lambda: choices()["district"]
            form.fields["industry"].choices = lambda: choices()["industry"]
        return self._form  # type: ignore[no-any-return]

    def filter_search(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        value = value.strip()
        if not value:
            return queryset
        data = self.form.cleaned_data
        statuses = SCOPES[data.get("scope") or "listed"]
        alone = not any(
            data.get(other) not in (None, "", False) for other in self.filters if other != name
        )
        # The number of matches in the list's scope (up to a bound) is kept: it chooses how
        # the page is read, and it is the list's count when the search is the only filter.
        queryset, self.search_matches = entry_search(queryset, value, statuses, alone=alone)
        return queryset

    def filter_year(self, queryset: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        if not value:
            return queryset
        year = int(value)  # one of the offered choices: validated by the form
        # A date range, not __year, so the (…, published_on, id) indexes serve it.
        return queryset.filter(
            published_on__gte=datetime.date(year, 1, 1),
            published_on__lt=datetime.date(year + 1, 1, 1),
        )

    def filter_batch_number(
        self, queryset: QuerySet[Entry], name: str, value: int | None
    ) -> QuerySet[Entry]:
        if value is None:
            return queryset
        queryset = queryset.filter(batch__number=value)
        year = self.form.cleaned_data.get("year")
        return queryset.filter(batch__year=int(year)) if year else queryset

    def filter_rectification(
        self, queryset: QuerySet[Entry], name: str, value: str
    ) -> QuerySet[Entry]:
        statuses = {
            "rectifying": CaseStatus.active(),
            "rectified": [CaseStatus.RECTIFIED],
            "closed": [CaseStatus.CLOSURE_VERIFIED],
        }.get(value)
        if statuses is None:
            return queryset
        return queryset.filter(case__status__in=statuses)

    def filter_overdue(self, queryset: QuerySet[Entry], name: str, value: bool) -> QuerySet[Entry]:
        if not value:
            return queryset
        return queryset.filter(
            Q(case__status__in=CaseStatus.active()) & Q(case__deadline__lt=timezone.localdate())
        )

    def filter_queryset(self, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        """The declared filters, after narrowing to the chosen scope (listed by default).

        Sort is not a filter: the caller orders and pages (keyset).
        """
        data = self.form.cleaned_data
        queryset = queryset.filter(status__in=SCOPES[data.get("scope") or "listed"])
        for name, value in data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def is_valid(self) -> bool:
        valid = super().is_valid()
        # Two characters at least: one character matches half the city.
        query = (self.form.cleaned_data.get("q") or "").strip() if valid else ""
        if valid and query and len(query) < 2:
            self.form.add_error("q", _("请输入至少两个字。"))
            return False
        return valid


# Parameters that are not filters: they never change which rows match.
PAGING_PARAMS = {"after", "sort", "scope"}


def filter_params(data: Mapping[str, str]) -> dict[str, str]:
    """The filters ``data`` (a query string) sets, normalised (sorted, empty and unknown
    parameters dropped): one key per distinct filter, however the URL spells it."""
    return {
        key: str(value)
        for key, value in sorted(data.items())
        if key in EntryFilter.base_filters and key not in PAGING_PARAMS and value
    }


def entries_filtered(data: Mapping[str, str]) -> tuple[EntryFilter, QuerySet[Entry], str, str]:
    """The list's filter set, its queryset, the scope and the sort, from a query string (the
    list, the downloads, and an export job's stored filters)."""
    scope = data.get("scope") or "listed"
    sort = data.get("sort") or DEFAULT_SORT
    if sort not in SORTS:
        sort = DEFAULT_SORT
    entry_filter = EntryFilter(data, queryset=entry_queryset(scope="all"))
    if not entry_filter.is_valid():
        return entry_filter, Entry.objects.none(), scope, sort
    return entry_filter, entry_filter.qs, scope, sort
