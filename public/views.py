"""Pages of the public site. Thin: selectors read, services write, forms check input."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe

from core.pages import bounded_count
from core.requests import client_address
from public import exposure_map, province_map, selectors, sites
from public.export_jobs import SITE_FILTER, ExportRefused, export_job_request
from public.exports import (
    CONTENT_TYPES,
    csv_stream,
    export_filename,
    xlsx_file,
    xlsx_too_large_message,
)
from public.filters import (
    PAGING_PARAMS,
    SCOPES,
    EntryFilter,
    entries_filtered,
    filter_params,
)
from public.forms import PeriodForm
from public.page_cache import public_page
from publicity.enums import ExportFormat, ExportStatus
from publicity.models import Batch, Entry, ExportJob


@public_page()
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if sites.current().is_province:
        return _province_home(request)
    return render(
        request,
        "public/home.html",
        {
            "counts": selectors.site_counts(),
            "map": _exposure_map_context(request, with_filters=False),
        },
    )


# The map's three views: the figure that shades the districts, its label and unit, and what a
# click adds to the list's URL besides the district and the map's filters (overdue and the
# rectified share count every published entry, so their lists take the scope "all").
MAP_METRICS: list[tuple[str, Any, str, dict[str, str]]] = [
    ("listed", _lazy("正在公示"), "", {}),
    ("overdue", _lazy("逾期未整改"), "", {"overdue": "on", "scope": "all"}),
    ("rectified_share", _lazy("整改完成率"), "%", {"scope": "all"}),
]


def _province_home(request: HttpRequest) -> HttpResponse:
    """A province's home: its figures, its map shaded by city with the table beside it, and
    each city's site."""
    province = sites.current().rules
    rows = []
    for city in selectors.province_cities():
        site = sites.site_for_slug(city["slug"])
        rows.append(
            {
                **city,
                "key": city["code"],
                "label": city["place"],
                "short_label": city["place"],
                "site_url": sites.url_on(site, "home", []),
                "list_url": sites.url_on(site, "public:entry-list", []),
                "rectified_share": exposure_map.share(city["finished"], city["tracked"]),
                "point": None,
                "host_label": "",
            }
        )
    province_code = province.path.rstrip("/").rsplit("/", 1)[-1]
    exposure = {
        "by_city": True,
        **_map_block(
            rows,
            map_name=province.place,
            tap_again=_("再点一次，打开该市的曝光名单"),
            list_url_of=lambda row, extra: (
                f"{row['list_url']}?{urlencode(extra)}" if extra else row["list_url"]
            ),
        ),
        "script_url": (
            reverse("public:province-map", args=[province_code])
            if province_map.has_outlines(province_code)
            else None
        ),
    }
    return render(
        request,
        "public/province_home.html",
        {"counts": selectors.site_counts(), "map": exposure, "province": province},
    )


@require_safe
def province_map_script(request: HttpRequest, code: str) -> HttpResponse:
    """The province's map of its cities for ECharts (public.province_map), kept by browsers
    for a day."""
    if not province_map.has_outlines(code):
        raise Http404(_("没有该省的地图。"))
    province = sites.current().rules
    response = HttpResponse(
        province_map.province_map_script(code, province.place),
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _map_block(
    rows: list[dict[str, Any]],
    *,
    map_name: str,
    tap_again: str,
    list_url_of: Callable[[dict[str, Any], dict[str, str]], str],
) -> dict[str, Any]:
    """The exposure map's table rows with their links, their totals and the script's data,
    for a city's districts or a province's cities. ``list_url_of(row, extra)``: the list a
    click on the row's area opens for a figure (``extra``: that figure's parameters)."""
    shown = []
    for row in rows:
        # Nothing overdue there: no list of them to open (it would be empty).
        urls = {
            key: None if key == "overdue" and not row["overdue"] else list_url_of(row, extra)
            for key, _label, _unit, extra in MAP_METRICS
        }
        shown.append({**row, "urls": urls})
    tracked = sum(row["tracked"] for row in shown)
    finished = sum(row["finished"] for row in shown)
    data = {
        "map": map_name,
        "metrics": [
            {"key": key, "label": str(label), "unit": unit}
            for key, label, unit, _extra in MAP_METRICS
        ],
        "districts": [
            {
                "code": row["code"],
                "name": row["label"],
                "short": row["short_label"],
                "point": row["point"],
                "values": {
                    "listed": row["listed"],
                    "overdue": row["overdue"],
                    "rectified_share": (
                        None if row["rectified_share"] is None else float(row["rectified_share"])
                    ),
                },
                "urls": row["urls"],
            }
            for row in shown
        ],
        "text": {"high": _("多"), "low": _("少"), "tap_again": tap_again, "none": _("无")},
    }
    return {
        "rows": shown,
        "totals": {
            "listed": sum(row["listed"] for row in shown),
            "overdue": sum(row["overdue"] for row in shown),
            "rectified_share": exposure_map.share(finished, tracked),
        },
        "points": [row for row in shown if row["point"]],
        "data": data,
    }


def _exposure_map_context(request: HttpRequest, *, with_filters: bool) -> dict[str, Any]:
    """The exposure map's figures, table rows with their links, and the script's data."""
    authority = sites.current().rules
    entry_filter = exposure_map.map_filter(request.GET if with_filters else {})
    params = exposure_map.map_params(entry_filter)
    list_url = reverse("public:entry-list")
    return {
        "filter": entry_filter if with_filters else None,
        "params": params,
        **_map_block(
            exposure_map.district_figures(filters=params),
            map_name=authority.map_name,
            tap_again=_("再点一次，打开该县区的曝光名单"),
            list_url_of=lambda row, extra: (
                f"{list_url}?{urlencode({'district': row['key'], **params, **extra})}"
            ),
        ),
        "script": f"vendor/china-cities/{authority.map_script}",
    }


def filtered_entries(request: HttpRequest) -> tuple[EntryFilter, QuerySet[Entry], str, str]:
    """The list's filter set, its queryset, the scope and the sort, from the query string."""
    return entries_filtered(request.GET)


def _filter_params(request: HttpRequest) -> dict[str, str]:
    return filter_params(request.GET)


@public_page(params=[*EntryFilter.base_filters, *PAGING_PARAMS], paging=PAGING_PARAMS, search=["q"])
@require_safe
def entry_list(request: HttpRequest) -> HttpResponse:
    entry_filter, queryset, scope, sort = filtered_entries(request)
    cursor = request.GET.get("after") or None
    # Computed afresh: the page cache keeps the whole page for every anonymous visitor, and
    # pickling a page's rows into a cache of their own cost a first visit more than its SQL.
    page = selectors.entry_page(queryset=queryset, sort=sort, cursor=cursor)
    params = _filter_params(request)
    total, count_limit = _list_total(entry_filter, queryset, scope, params)
    next_url = first_url = None
    base = request.GET.copy()
    base.pop("after", None)
    if page.next_cursor:
        following = base.copy()
        following["after"] = page.next_cursor
        next_url = f"?{following.urlencode()}"
    if not page.is_first:
        first_url = f"?{base.urlencode()}" if base else "?"
    exports = base.urlencode()
    return render(
        request,
        "public/entry_list.html",
        {
            "filter": entry_filter,
            "page": page,
            "total": total,
            "total_exceeds": total > count_limit,
            "count_limit": count_limit,
            "next_url": next_url,
            "first_url": first_url,
            "export_query": exports,
            "is_filtered": bool(params) or scope != "listed",
            "has_more_filters": bool(set(params) - {"q", "district"})
            or scope != "listed"
            or sort != selectors.DEFAULT_SORT
            or bool(entry_filter.errors),
        },
    )


def _list_total(
    entry_filter: EntryFilter, queryset: QuerySet[Entry], scope: str, params: dict[str, str]
) -> tuple[int, int]:
    """The list's count and the bound it was counted to (above the bound: "more than").

    Exact from the tallies for the whole list of a scope, or of one district; a search
    alone has counted its matches to choose how its page is read; any other filter is
    counted no further than the bound. Cached once per filter and cache version, where a
    download of the same rows finds it (``selectors.entry_count_for_download``).
    """
    statuses = SCOPES.get(scope)
    if statuses is None or not entry_filter.is_valid():
        return 0, selectors.COUNT_LIMIT

    def count() -> tuple[int, int]:
        if set(params) <= {"district"}:
            district = int(params["district"]) if params else None
            total = selectors.entry_count_listed(statuses=statuses, district=district)
            return total, total
        if set(params) == {"q"} and entry_filter.search_matches is not None:
            return entry_filter.search_matches, selectors.SEARCH_WALK_FROM
        return bounded_count(queryset, selectors.COUNT_LIMIT), selectors.COUNT_LIMIT

    return selectors.list_count_cached(params=[scope, params], compute=count)


@public_page(params=["after"], paging=["after"])
@require_safe
def removal_log(request: HttpRequest) -> HttpResponse:
    """公示移出记录: which entries left the list, when and why, latest first (keyset pages)."""
    cursor = request.GET.get("after") or None
    page = selectors.public_cached(
        "removal-log",
        [cursor],
        lambda: selectors.entry_page(
            queryset=selectors.entry_queryset(scope="removed"), sort="removed", cursor=cursor
        ),
    )
    return render(
        request,
        "public/removal_log.html",
        {
            "page": page,
            "next_url": f"?after={page.next_cursor}" if page.next_cursor else None,
            "first_url": None if page.is_first else "?",
        },
    )


def _on_its_site(request: HttpRequest, own: sites.Site | None) -> HttpResponseBase | None:
    """A redirect to the same page on the site a record belongs to (``own``; None: the
    root's), or None when this is that site. A province's root sends an entry's or a batch's
    page to its city's site, whose links, map and name are the city's; a city's site sends
    another city's record to that city's."""
    here = sites.current()
    if (own.prefix if own else "") == here.prefix:
        return None
    return redirect(sites.with_query(request, f"{own.prefix if own else ''}{request.path_info}"))


@public_page()
@require_safe
def entry_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    # The entry and its timeline under one key: two Redis reads a page view (the cache
    # version, then the page). False, not None, caches "no such entry".
    cached = selectors.public_cached("entry-page", pk, lambda: _entry_page(pk))
    if not cached:
        raise Http404(_("没有这个公示条目。"))
    entry, detail = cached
    elsewhere = _on_its_site(request, sites.site_of_path(entry.district.path))
    if elsewhere is not None:
        return elsewhere
    return render(
        request,
        "public/entry_detail.html",
        {"entry": entry, "detail": detail, "badge": selectors.entry_badge(entry)},
    )


def _entry_page(pk: int) -> tuple[Entry, selectors.EntryDetail] | Literal[False]:
    entry = selectors.entry_get_public(pk=pk)
    if entry is None:
        return False
    return entry, selectors.entry_detail(entry=entry)


@public_page()
@require_safe
def batch_archive(request: HttpRequest) -> HttpResponse:
    years = selectors.public_cached("batch-archive", None, selectors.batch_archive)
    return render(request, "public/batch_archive.html", {"years": years})


@public_page(params=["after"], paging=["after"])
@require_safe
def batch_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = selectors.public_cached("batch", pk, lambda: selectors.batch_get_public(pk=pk) or False)
    if not isinstance(batch, Batch):
        raise Http404(_("没有这个公示批次。"))
    elsewhere = _on_its_site(request, sites.site_of_authority(batch.authority_id))
    if elsewhere is not None:
        return elsewhere
    try:
        after = int(request.GET["after"]) if request.GET.get("after") else None
    except ValueError:
        after = None
    rows, next_after = selectors.public_cached(
        "batch-entries", [pk, after], lambda: selectors.batch_entries_page(batch=batch, after=after)
    )
    return render(
        request,
        "public/batch_detail.html",
        {"batch": batch, "rows": rows, "next_after": next_after, "is_first": after is None},
    )


@require_safe
def batch_notice(request: HttpRequest, pk: int) -> HttpResponseBase:
    batch = selectors.batch_get_public(pk=pk)
    if batch is None or not batch.notice_pdf:
        raise Http404(_("该批次的公告 PDF 暂未提供。"))
    elsewhere = _on_its_site(request, sites.site_of_authority(batch.authority_id))
    if elsewhere is not None:
        return elsewhere
    try:
        handle = batch.notice_pdf.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("该批次的公告 PDF 暂未提供。")) from error
    filename = f"notice-{batch.year}-{batch.number}.pdf"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


@public_page(params=["start", "end", *exposure_map.MAP_FILTERS])
@require_safe
def statistics(request: HttpRequest) -> HttpResponse:
    default_start, default_end = selectors.accident_default_period()
    form = PeriodForm(request.GET if "start" in request.GET or "end" in request.GET else None)
    start, end = default_start, default_end
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    elif not form.is_bound:
        form = PeriodForm(initial={"start": start, "end": end})
    stats = selectors.statistics(start=start, end=end)
    charts = {
        name: {
            "title": title,
            "labels": [row["label"] for row in stats[name]],
            "values": [row["count"] for row in stats[name]],
        }
        for name, title in [
            ("dispositions", _("按处理措施")),
            ("districts", _("按县区")),
            ("industries", _("按行业")),
            ("years", _("按年度")),
        ]
    }
    charts["accidents"] = {
        "title": _("事故同比"),
        "labels": [row["label"] for row in stats["accidents"] if row["key"] != "direct_loss"],
        "series": [
            {
                "name": _("本期"),
                "values": [r["current"] for r in stats["accidents"] if r["key"] != "direct_loss"],
            },
            {
                "name": _("上年同期"),
                "values": [r["previous"] for r in stats["accidents"] if r["key"] != "direct_loss"],
            },
        ],
    }
    exposure = _exposure_map_context(request, with_filters=True)
    # Each of the page's two forms keeps the other's choice in hidden fields.
    period_params = {name: request.GET[name] for name in ("start", "end") if request.GET.get(name)}
    return render(
        request,
        "public/statistics.html",
        {
            "stats": stats,
            "form": form,
            "charts": charts,
            "map": exposure,
            "period_params": period_params,
        },
    )


# --- Downloads ----------------------------------------------------------------------------
# Up to EXPORT_STREAM_MAX_ROWS rows (from the list's cached count) a download is streamed by
# this request and always ends well inside the web timeout; above it a worker writes the file
# (public.export_jobs) and the person gets a page with its link. A download is
# therefore never cut off by the timeout, which would leave a file that looks complete.


EXPORT_PAGE_REFRESH_SECONDS = 5


def _export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    entry_filter, queryset, scope, sort = filtered_entries(request)
    params = [scope, _filter_params(request)]
    total: int | None
    if fmt == ExportFormat.CSV:
        # A CSV has no row limit: whether it streams is all there is to know.
        total, too_long = selectors.entry_count_for_download(
            queryset=queryset, params=params, limit=settings.EXPORT_STREAM_MAX_ROWS
        )
    else:
        total = selectors.entry_count_cached(queryset=queryset, params=params)
        if total > settings.EXPORT_XLSX_MAX_ROWS:
            return render(
                request,
                "public/export_refused.html",
                {"message": xlsx_too_large_message(total), "list_query": request.GET.urlencode()},
                status=400,
            )
        too_long = total > settings.EXPORT_XLSX_STREAM_MAX_ROWS
    if not too_long:
        rows = selectors.entry_export_rows(queryset=queryset, sort=sort)
        if fmt == ExportFormat.CSV:
            response = StreamingHttpResponse(csv_stream(rows), content_type=CONTENT_TYPES["csv"])
            response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
            return response
        return FileResponse(
            xlsx_file(rows),
            as_attachment=True,
            filename=export_filename("xlsx"),
            content_type=CONTENT_TYPES["xlsx"],
        )
    try:
        site = sites.current()
        job = export_job_request(
            filters={
                **_filter_params(request),
                "scope": scope,
                "sort": sort,
                **({} if site.whole else {SITE_FILTER: site.rules.slug}),
            },
            fmt=fmt,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            client=client_address(request),
        )
    except ExportRefused as error:
        return render(
            request,
            "public/export_refused.html",
            {"message": str(error), "list_query": request.GET.urlencode()},
            status=429,
        )
    # 202: accepted, being prepared; the page refreshes itself to the job's own page.
    return render(request, "public/export_job.html", _export_job_context(job, total), status=202)


def _export_job_context(job: ExportJob, total: int | None) -> dict[str, Any]:
    return {
        "job": job,
        "total": total,
        "finished": job.finished_at is not None,
        "done": job.status == ExportStatus.DONE,
        "expires_at": job.created_at
        + datetime.timedelta(hours=settings.EXPORT_FILE_RETENTION_HOURS),
        "refresh_seconds": EXPORT_PAGE_REFRESH_SECONDS,
        "list_query": urlencode(
            {name: value for name, value in job.filters.items() if name != SITE_FILTER}
        ),
    }


@require_safe
def entry_export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, ExportFormat.CSV)


@require_safe
def entry_export_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, ExportFormat.XLSX)


@require_safe
def export_job(request: HttpRequest, token: str) -> HttpResponse:
    """A background export's page: its state, refreshing itself until the file is ready."""
    job = selectors.export_job_get(token=token)
    if job is None:
        raise Http404(_("没有这个导出任务，或它已过期。"))
    return render(request, "public/export_job.html", _export_job_context(job, None))


@require_safe
def export_job_download(request: HttpRequest, token: str) -> HttpResponseBase:
    job = selectors.export_job_get(token=token)
    if job is None:
        raise Http404(_("没有这个导出任务，或它已过期。"))
    if job.status != ExportStatus.DONE or not job.file:
        return redirect("public:export-job", token=job.token)
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as error:
        raise Http404(_("没有这个导出任务，或它已过期。")) from error
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export_filename(job.format),
        content_type=CONTENT_TYPES[job.format],
    )
