"""Reads of the public site: the exposure list, entry pages, the batch archive, statistics.

Everything here is public: none of it touches a submitter's identity. Results are cached in
Redis under a version key; :func:`public_cache_invalidate` bumps the version when a batch is
published, an erratum approved or a case changes state, so every cached page is dropped at once.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import time
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.calendar import year_unknown
from core.pages import bounded_count
from public.sites import current as current_site
from public.sites import site_of_path, url_on
from publicity.cache import (  # noqa: F401 - re-exported for the public views
    CACHE_VERSION_KEY,
    public_cache_invalidate,
    public_cache_version,
)
from publicity.enums import (
    BatchStatus,
    EntryStatus,
    ErratumKind,
    ErratumStatus,
)
from publicity.models import Batch, Entry, EntryTally, Erratum, ExportJob, MediaReport
from publicity.selectors import (
    case_figures,
    figures_by_authority,
    published_entry_figures,
    site_counts_compute,
)
from rectification.enums import CaseStatus
from rectification.models import Reply
from rectification.selectors import case_public_events, case_published_replies_array
from registry.authorities import authorities
from registry.enums import Disposition
from registry.models import Accident, Enterprise, Industry, Jurisdiction, bilingual_name
from registry.search import enterprise_row_matches, enterprise_search, name_contains

_T = TypeVar("_T")

# Entries the public sees in the list by default, and those still reachable by link with a
# "removed" notice. Planned entries and those withdrawn on objection were never published.
LISTED_STATUSES = [EntryStatus.LISTED]
REMOVED_STATUSES = [EntryStatus.REMOVED, EntryStatus.WITHDRAWN_BY_ERRATUM]
PUBLISHED_STATUSES = EntryStatus.published()

BATCH_PAGE_SIZE = 100

# --- Cache --------------------------------------------------------------------------------

# Short enough that an overdue badge turns red within minutes of midnight even without an
# invalidation; long enough that a busy list is served from Redis.
PUBLIC_CACHE_TTL_SECONDS = 10 * 60


def public_cache_key(name: str, params: Any) -> str:
    """The cache key of ``name`` under the current version, site, language and params."""
    digest = hashlib.sha256(
        json.dumps(params, sort_keys=True, default=str).encode("utf-8")
    ).hexdigest()[:32]
    version, site = public_cache_version(), current_site().key
    return f"public:{version}:{site}:{name}:{translation.get_language()}:{digest}"


# How long the visitors who asked for a figure another process is computing wait for it
# before computing it themselves (``public_cached(single_flight=True)``).
SINGLE_FLIGHT_WAIT_SECONDS = 30


def public_cached(
    name: str,
    params: Any,
    compute: Callable[[], _T],
    *,
    page: bool = True,
    single_flight: bool = False,
) -> _T:
    """``compute()``'s result from the cache, under the current version, language and params.

    ``page``: a page's content, computed afresh when the page cache is off
    (``settings.PUBLIC_PAGE_CACHE``); counts and form choices stay cached regardless.
    ``single_flight``: a figure that takes seconds to compute (the statistics over every
    entry) is computed by one process at a time; the others wait for its result instead of
    each computing it at once (16 at once took a million entries' statistics from ~2 s to
    none answered in 8 s).
    """
    if page and not settings.PUBLIC_PAGE_CACHE:
        return compute()
    key = public_cache_key(name, params)
    value = cache.get(key)
    if value is None:
        if single_flight:
            return _computed_once(key, compute)
        value = compute()
        cache.set(key, value, PUBLIC_CACHE_TTL_SECONDS)
    return value  # type: ignore[no-any-return]


def _computed_once(key: str, compute: Callable[[], _T]) -> _T:
    """``compute()``, or the value another process is computing for ``key``: a lock in the
    cache says who computes; the rest poll for the result. A computing process that died, or
    an unreachable cache, leaves no lock: the waiter computes it itself."""
    lock = f"{key}:computing"
    if cache.add(lock, 1, timeout=SINGLE_FLIGHT_WAIT_SECONDS):
        try:
            value = compute()
            cache.set(key, value, PUBLIC_CACHE_TTL_SECONDS)  # before the lock goes
            return value
        finally:
            cache.delete(lock)
    deadline = time.monotonic() + SINGLE_FLIGHT_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.05)
        value = cache.get(key)
        if value is not None:
            return value  # type: ignore[no-any-return]
        if cache.get(lock) is None:
            break
    value = compute()
    cache.set(key, value, PUBLIC_CACHE_TTL_SECONDS)
    return value


def site_counts() -> dict[str, int]:
    """The home page's headline figures, read from the tallies the database keeps (four small
    queries: ``publicity.selectors.site_counts_compute``) and cached like the page's other
    content: a publication, an erratum, a removal or a case's move starts a new version, and
    the key holds the day, so the overdue figure turns at midnight."""
    today = timezone.localdate()
    site = current_site()
    return public_cached(
        "site-counts",
        [today],
        lambda: site_counts_compute(
            today=today, districts=site.district_ids(), authority_ids=site.authority_ids()
        ),
    )


def province_cities() -> list[dict[str, Any]]:
    """For a province's home: each city with a site of its own (public.sites), with its
    figures from the tallies (``publicity.selectors.figures_by_authority``: a few rows
    whatever the number of entries); in the tree's order."""
    today = timezone.localdate()

    def compute() -> list[dict[str, Any]]:
        cities = [rules for rules in authorities() if rules.slug and rules.pk is not None]
        sums = figures_by_authority(cities, today=today)
        return [
            {
                "code": rules.path.rstrip("/").rsplit("/", 1)[-1],
                "slug": rules.slug,
                "place": rules.display_place,
                "authority": rules.display_name,
                **sums[rules.pk],
            }
            for rules in cities
        ]

    return public_cached("province-cities", [today], compute)


# --- Status badges ------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    slug: str  # rectifying, overdue, rectified, closed, removed: also the CSS modifier
    label: str


BADGE_LABELS = {
    "rectifying": _("整改中"),
    "overdue": _("逾期未整改"),
    "rectified": _("已整改"),
    "closed": _("已关停"),
    "removed": _("已移出公示"),
}


def entry_badge(
    entry: Entry, today: datetime.date | None = None, labels: dict[str, str] | None = None
) -> Badge:
    """The one status a resident sees for an entry, from its own status and its case's
    (``labels``: the labels already translated, for a caller that shows many rows)."""
    slug = "rectifying"
    case = entry.case
    if entry.status in REMOVED_STATUSES or case is None or case.status == CaseStatus.CANCELLED:
        slug = "removed"
    elif case.status == CaseStatus.RECTIFIED:
        slug = "rectified"
    elif case.status == CaseStatus.CLOSURE_VERIFIED:
        slug = "closed"
    elif case.is_overdue(today):
        slug = "overdue"
    return Badge(slug=slug, label=labels[slug] if labels else str(BADGE_LABELS[slug]))


def _with_badges(entries: Iterable[Entry]) -> list[Entry]:
    today = timezone.localdate()
    rows = list(entries)
    for entry in rows:
        entry.badge = entry_badge(entry, today)  # type: ignore[attr-defined]
    return rows


# --- The exposure list --------------------------------------------------------------------


def in_site(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """``queryset``'s entries of the current site: a city's site shows the entries of its
    districts (the district an entry was exposed in), the root every city's."""
    districts = current_site().district_ids()
    return queryset if districts is None else queryset.filter(district_id__in=districts)


def entry_queryset(*, scope: str = "listed", site_only: bool = True) -> QuerySet[Entry]:
    """Entries the public may see (of the current site, unless ``site_only`` is false), with
    what a list row shows joined once."""
    statuses = {
        "listed": LISTED_STATUSES,
        "removed": REMOVED_STATUSES,
        "all": PUBLISHED_STATUSES,
    }.get(scope, LISTED_STATUSES)
    entries = Entry.objects.filter(status__in=statuses).select_related(
        "batch", "case", "district", "industry", "department"
    )
    return in_site(entries) if site_only else entries


# Sort options: (key field, descending). The second key is always id in the same direction,
# so the pair is unique and a page boundary is exact.
SORTS: dict[str, tuple[str, bool]] = {
    "newest": ("published_on", True),
    "oldest": ("published_on", False),
    "name": ("unit_name", False),
    # The removal log: latest removal first.
    "removed": ("removed_on", True),
}
DEFAULT_SORT = "newest"


def _cursor_encode(value: Any, pk: int) -> str:
    if isinstance(value, datetime.date):
        value = value.isoformat()
    raw = json.dumps([value, pk], ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _cursor_decode(cursor: str, key: str) -> tuple[Any, int] | None:
    """The (value, id) a cursor points after, or None for a cursor that is not ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw.decode("utf-8"))
        if key in ("published_on", "removed_on"):
            value = datetime.date.fromisoformat(value)
        elif not isinstance(value, str):
            return None
        return value, int(pk)
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


@dataclass
class EntryPage:
    rows: list[Entry]
    next_cursor: str | None
    is_first: bool
    total: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# What a row of the list or the removal log prints (and its badge reads): only these columns
# are read for a page, not the ~100 of the six tables a whole entry joins (the wider read
# cost a first visit twice the rest of its SQL, in transfer and in building the objects).
ENTRY_ROW_FIELDS = (
    "id",
    "unit_name",
    "status",
    "category",
    "disposition",
    "published_on",
    "removed_on",
    "removal_reason",
    "batch",
    "batch__year",
    "batch__number",
    "batch__status",
    "case",
    "case__status",
    "case__deadline",
    "district",
    "district__name",
    "district__name_en",
    "industry",
    "industry__name",
    "industry__name_en",
)


def entry_page(*, queryset: QuerySet[Entry], sort: str, cursor: str | None) -> EntryPage:
    """One page of a filtered list by keyset (seek) on (sort key, id): no OFFSET, no COUNT.

    Reads one row more than a page to know whether there is a next page, in one query: the
    page's ids are chosen first (``queryset`` ordered and cut, without joins: an index-only
    walk for the plain list, or a sort of a search's few matches) and only those rows are
    joined to what a row shows, rather than joining every match before sorting them.
    """
    page_size = settings.PUBLIC_LIST_PAGE_SIZE
    key, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    order = [f"-{key}", "-id"] if descending else [key, "id"]
    queryset = queryset.order_by(*order)
    after = _cursor_decode(cursor, key) if cursor else None
    if after is not None:
        value, pk = after
        op = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{key}__{op}": value}) | Q(**{key: value, f"id__{op}": pk})
        )
    ids = queryset.values("pk")[: page_size + 1]
    rows = _with_badges(
        Entry.objects.filter(pk__in=ids)
        .select_related("batch", "case", "district", "industry")
        .only(*ENTRY_ROW_FIELDS)
        .order_by(*order)
    )
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        last = rows[-1]
        next_cursor = _cursor_encode(getattr(last, key), last.pk)
    return EntryPage(rows=rows, next_cursor=next_cursor, is_first=after is None)


# --- Counts and search --------------------------------------------------------------------

# The list counts matching entries up to this many and says "more than" beyond: counting
# every match of a common search or filter is most of what a first visit costs (0.5-2 s at a
# million entries), for a figure no one reads past its first digits.
COUNT_LIMIT = 5000
# A search with more matches than this (in the list's scope) walks the list's keyset index
# and tests each row (a page is found after reading about page × rows / matches rows); with
# fewer it starts from the matches, found by the two bigram indexes, and sorts them.
SEARCH_WALK_FROM = 5000
# While walking, a row whose printed name does not match is tested by its enterprise: up to
# this many matching enterprises, against their set (read once: about one block each); past
# it, one primary-key lookup per such row (a page needs about 50 × rows / matches of them).
SEARCH_UNITS_HASHED = 2000


def _printed_name_contains(text: str) -> Any:
    return name_contains(text, field="unit_name", bigrams="unit_name_bigrams")


def search_match_ids(text: str, statuses: Iterable[str]) -> QuerySet[Entry, Any]:
    """The ids of entries (of ``statuses``) found by ``text``: by the name printed on the
    entry (a unit renamed since is still found by the name it was exposed under), or by the
    registry's search over its enterprise's current name and credit code.

    Two index scans glued without removing duplicates (UNION ALL), the second leaving out
    what the first found, so a count with a LIMIT stops as soon as it has enough.
    """
    statuses = list(statuses)
    printed = _printed_name_contains(text)
    units = enterprise_search(Enterprise.objects.all(), text).order_by().values("pk")
    by_name = in_site(Entry.objects.filter(printed, status__in=statuses)).order_by().values("pk")
    by_unit = (
        in_site(Entry.objects.filter(status__in=statuses, enterprise_id__in=units))
        .exclude(printed)
        .order_by()
        .values("pk")
    )
    return by_name.union(by_unit, all=True)


def search_match_count(text: str, statuses: Iterable[str]) -> int:
    """How many entries of ``statuses`` ``text`` finds, up to ``SEARCH_WALK_FROM + 1``
    (cached per cache version: the same figure for every page and filter of this search)."""
    statuses = sorted(statuses)
    return public_cached(
        "search-matches",
        [text, statuses],
        lambda: bounded_count(search_match_ids(text, statuses), SEARCH_WALK_FROM),
        page=False,
    )


def entry_search(
    queryset: QuerySet[Entry], text: str, statuses: Iterable[str], *, alone: bool = True
) -> tuple[QuerySet[Entry], int]:
    """``queryset`` narrowed to the entries ``text`` finds, and their number (up to
    ``SEARCH_WALK_FROM + 1``, in ``statuses``). Both ways are read from indexes:

    - few matches: the rows whose ids the two bigram indexes give (``search_match_ids``);
    - many: the list's own keyset index walked in order, each row tested by its printed
      name's bigrams and, only when that fails, its enterprise's (one primary-key lookup):
      a common word finds a page of 50 in a few hundred rows.

    ``alone``: no other filter narrows the rows. With one, the list also counts the rows
    that pass both, reading every row the other filter selects: their enterprises are then
    tested against the set of matching enterprises, never one lookup per row.
    """
    statuses = list(statuses)
    matches = search_match_count(text, statuses)
    if matches <= SEARCH_WALK_FROM:
        return queryset.filter(pk__in=search_match_ids(text, statuses)), matches
    printed = _printed_name_contains(text)
    # The rows whose printed name fails are tested by their enterprise: against the set of
    # matching enterprises when it is small (read once, a hash), else each by its primary
    # key (a common word matches so many rows that few fail).
    units = enterprise_search(Enterprise.objects.all(), text).order_by().values("pk")
    few_units = not alone or public_cached(
        "search-units",
        text,
        lambda: bounded_count(units, SEARCH_UNITS_HASHED) <= SEARCH_UNITS_HASHED,
        page=False,
    )
    unit = Q(enterprise_id__in=units) if few_units else Q(enterprise_row_matches(text))
    return queryset.filter(Q(printed) | unit), matches


def entry_count_listed(*, statuses: Iterable[str], district: int | None = None) -> int:
    """The number of entries of ``statuses`` (in ``district``), exact, from the tallies the
    database keeps (publicity.models.EntryTally): a few rows, whatever the number of entries."""
    tallies = EntryTally.objects.filter(status__in=list(statuses))
    districts = current_site().district_ids()
    if districts is not None:
        tallies = tallies.filter(district_id__in=districts)
    if district is not None:
        tallies = tallies.filter(district_id=district)
    return int(tallies.aggregate(n=Sum("entries", default=0))["n"])


def list_count_cached(*, params: Any, compute: Callable[[], tuple[int, int]]) -> tuple[int, int]:
    """The list's count of the rows ``params`` (scope and filters) select, with the bound it
    was counted to (a count above its bound means "more than"), computed once per cache
    version."""
    return public_cached("list-count", params, compute, page=False)  # type: ignore[no-any-return]


def entry_count_cached(*, queryset: QuerySet[Entry], params: Any) -> int:
    """The number of matching entries, counted once per filter and cache version.

    The list shows it as a guide; counting on every page view is what the design forbids.
    """
    return public_cached("entry-count", params, queryset.count, page=False)


def entry_count_for_download(
    *, queryset: QuerySet[Entry], params: Any, limit: int
) -> tuple[int | None, bool]:
    """(the number of matching entries if known, whether there are more than ``limit``).

    The list's cached count when it has one (a download is usually asked for from the list,
    which counted them); otherwise a count that stops at ``limit + 1``: whether a download
    streams needs no more, and counting all of a million matching rows before the first byte
    kept it past a second.
    """
    known = cache.get(public_cache_key("entry-count", params))
    if known is not None:
        return known, known > limit
    shown = cache.get(public_cache_key("list-count", params))
    if shown is not None and shown[0] <= shown[1]:  # the list's count, when it is exact
        return shown[0], shown[0] > limit
    found = queryset.order_by()[: limit + 1].count()
    return (found, False) if found <= limit else (None, True)


def entry_export_rows(*, queryset: QuerySet[Entry], sort: str) -> Generator[Entry, None, None]:
    """Every matching entry for a download, streamed from the database in chunks."""
    key, descending = SORTS.get(sort, SORTS[DEFAULT_SORT])
    order = [f"-{key}", "-id"] if descending else [key, "id"]
    today = timezone.localdate()
    # Inside a transaction the server-side cursor streams: declared outside one, it is WITH
    # HOLD and PostgreSQL materialises the whole result before the first row (10-23 s at a
    # million rows). The download is read-only; a client that goes away rolls it back.
    labels = {slug: str(label) for slug, label in BADGE_LABELS.items()}
    with transaction.atomic():
        for entry in queryset.order_by(*order).iterator(chunk_size=2000):
            entry.badge = entry_badge(entry, today, labels)  # type: ignore[attr-defined]
            yield entry


def export_job_get(*, token: str) -> ExportJob | None:
    """A background export by the token of its link, or None."""
    return ExportJob.objects.filter(token=token).first()


# --- One entry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    date: datetime.date
    kind: str  # exposure, event, erratum, media: the CSS modifier
    title: str
    text: str = ""
    url: str = ""


@dataclass
class EntryDetail:
    entry: Entry
    timeline: list[TimelineItem]
    other_entries: list[Entry]
    corrections: list[tuple[str, str]]


def with_public_replies(queryset: QuerySet[Entry]) -> QuerySet[Entry]:
    """Each entry with ``public_replies``: its unit's published replies (单位回应), each
    ``{"date", "text"}``, read in the same query."""
    return queryset.annotate(public_replies=case_published_replies_array("case_id"))


def entry_get_public(*, pk: int) -> Entry | None:
    """A published entry (listed or removed) by id, with its unit's published replies, or
    None; ``deadline_calendar_assumed`` and ``case_deadline_calendar_assumed`` say whether
    the year of its printed and its current deadline is one the calendar does not know (the
    page says the year's holidays were assumed), in the same query."""
    return (
        with_public_replies(entry_queryset(scope="all", site_only=False))
        .select_related("case__department")
        .annotate(
            deadline_calendar_assumed=year_unknown("rectification_deadline"),
            case_deadline_calendar_assumed=year_unknown("case__deadline"),
        )
        .filter(pk=pk)
        .first()
    )


def entry_detail(*, entry: Entry) -> EntryDetail:
    """The entry page: its public timeline and the unit's other entries (four queries)."""
    items: list[TimelineItem] = []
    assert entry.published_on is not None  # noqa: S101 - published statuses carry a date
    items.append(
        TimelineItem(
            date=entry.published_on,
            kind="exposure",
            title=str(_("公示曝光：%(batch)s") % {"batch": entry.batch.label}),
            text=str(entry.batch.outlet),
        )
    )
    if entry.case_id is not None:
        # The text of a unit's application stays with staff: the public sees that it applied.
        for event in case_public_events(case_id=entry.case_id):
            text = event.text
            if event.new_deadline:
                deadline = str(_("整改期限：%(date)s") % {"date": event.new_deadline.isoformat()})
                text = f"{text} {deadline}".strip()
            items.append(
                TimelineItem(
                    date=timezone.localdate(event.at),
                    kind="event",
                    title=str(event.get_kind_display()),
                    text=text,
                )
            )
    corrections: list[tuple[str, str]] = []
    errata = Erratum.objects.filter(entry=entry, status=ErratumStatus.APPROVED).order_by(
        "approved_at", "id"
    )
    for erratum in errata:
        assert erratum.approved_at is not None  # noqa: S101 - approved errata carry a time
        title = _("更正") if erratum.kind == ErratumKind.CORRECT else _("撤回：经更正撤回本条目")
        items.append(
            TimelineItem(
                date=timezone.localdate(erratum.approved_at),
                kind="erratum",
                title=str(title),
                text=erratum.reason,
            )
        )
        for name, text in (erratum.corrections or {}).items():
            try:
                model_field = Entry._meta.get_field(name)
            except FieldDoesNotExist:  # a name from another version of the model: as stored
                label = name
            else:
                label = str(getattr(model_field, "verbose_name", name))
            corrections.append((label, str(text)))
    reports = MediaReport.objects.filter(Q(entries=entry) | Q(batch_id=entry.batch_id)).distinct()
    for report in reports.order_by("date", "id"):
        items.append(
            TimelineItem(
                date=report.date,
                kind="media",
                title=str(_("跟踪报道：%(outlet)s") % {"outlet": report.outlet}),
                text=report.headline,
                url=report.url,
            )
        )
    items.sort(key=lambda item: item.date)
    # Every city's: the same unit's exposures elsewhere in the province are shown too.
    others = _with_badges(
        entry_queryset(scope="all", site_only=False)
        .select_related(None)
        .select_related("batch", "case", "district", "industry")
        .only(*ENTRY_ROW_FIELDS, "district__path")
        .filter(enterprise_id=entry.enterprise_id)
        .exclude(pk=entry.pk)
        .order_by("-published_on", "-id")[:50]
    )
    # Each on its own site, named by its city where that is not this entry's.
    own = site_of_path(entry.district.path)
    for other in others:
        site = site_of_path(other.district.path)
        other.url = url_on(site, "public:entry-detail", [other.pk])  # type: ignore[attr-defined]
        elsewhere = site is not None and (own is None or site.key != own.key)
        other.elsewhere = site.rules.display_place if elsewhere and site else ""  # type: ignore[attr-defined]
    return EntryDetail(entry=entry, timeline=items, other_entries=others, corrections=corrections)


# --- Batches ------------------------------------------------------------------------------


def batch_archive() -> list[tuple[int, list[Batch]]]:
    """Published batches by year, newest first, each with its number of published entries."""
    batches = (
        batches_public()
        .annotate(entry_count=Count("entries", filter=Q(entries__status__in=PUBLISHED_STATUSES)))
        .order_by("-year", "-number")
    )
    years: dict[int, list[Batch]] = {}
    for batch in batches:
        years.setdefault(batch.year or 0, []).append(batch)
    return list(years.items())


def batch_get_public(*, pk: int) -> Batch | None:
    """A published batch by id, whichever site's (the view sends a visitor to its own)."""
    return Batch.objects.filter(pk=pk, status=BatchStatus.PUBLISHED).first()


def batch_entries_page(*, batch: Batch, after: int | None) -> tuple[list[Entry], int | None]:
    """One page of a batch's entries in printed order, by keyset on the printed number (序号,
    the one the notice shows)."""
    queryset = (
        entry_queryset(scope="all", site_only=False).filter(batch=batch).order_by("printed_number")
    )
    if after is not None:
        queryset = queryset.filter(printed_number__gt=after)
    rows = _with_badges(queryset[: BATCH_PAGE_SIZE + 1])
    if len(rows) > BATCH_PAGE_SIZE:
        return rows[:BATCH_PAGE_SIZE], rows[BATCH_PAGE_SIZE - 1].printed_number
    return rows, None


def batches_public() -> QuerySet[Batch]:
    """Published batches of the current site (a city's site: its authority's and those below
    it)."""
    batches = Batch.objects.filter(status=BatchStatus.PUBLISHED)
    authority_ids = current_site().authority_ids()
    return batches if authority_ids is None else batches.filter(authority_id__in=authority_ids)


def replies_public() -> QuerySet[Reply]:
    """Published replies of units whose entry is published, for the feed."""
    districts = current_site().district_ids()
    replies = Reply.objects.published().filter(case__entry__status__in=PUBLISHED_STATUSES)
    if districts is not None:
        replies = replies.filter(case__entry__district_id__in=districts)
    return replies.select_related("case__entry__batch")


def errata_public() -> QuerySet[Erratum]:
    """Approved errata of published entries, for the feed."""
    errata = Erratum.objects.filter(
        status=ErratumStatus.APPROVED, entry__status__in=PUBLISHED_STATUSES
    )
    districts = current_site().district_ids()
    if districts is not None:
        errata = errata.filter(entry__district_id__in=districts)
    return errata.select_related("entry", "entry__batch")


# --- Statistics ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AccidentFigures:
    accidents: int
    deaths: int
    injuries: int
    direct_loss: Decimal
    major: int  # 较大事故: three or more deaths


def _accidents() -> QuerySet[Accident]:
    """The accidents of the current site's area."""
    districts = current_site().district_ids()
    accidents = Accident.objects.all()
    return accidents if districts is None else accidents.filter(jurisdiction_id__in=districts)


def _accident_figures(start: datetime.date, end: datetime.date) -> AccidentFigures:
    row = (
        _accidents()
        .filter(date__gte=start, date__lte=end)
        .aggregate(
            # Keys unlike the field names: an aggregate named "deaths" would shadow the column
            # that the 较大事故 filter reads.
            n_accidents=Count("id"),
            n_deaths=Sum("deaths"),
            n_injuries=Sum("injuries"),
            n_loss=Sum("direct_loss"),
            n_major=Count("id", filter=Q(deaths__gte=3)),
        )
    )
    return AccidentFigures(
        accidents=row["n_accidents"],
        deaths=row["n_deaths"] or 0,
        injuries=row["n_injuries"] or 0,
        direct_loss=row["n_loss"] or Decimal("0"),
        major=row["n_major"],
    )


def _year_earlier(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def change_percent(current: float | Decimal, previous: float | Decimal) -> Decimal | None:
    """同比: the change against a year earlier in percent, one decimal; None when there was
    nothing to compare with."""
    if not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(
        Decimal("0.1")
    )


def accident_default_period() -> tuple[datetime.date, datetime.date]:
    """The last calendar year with recorded accidents (the current year when there are none)."""
    latest = _accidents().order_by("-date").values_list("date", flat=True).first()
    year = latest.year if latest else timezone.localdate().year
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _named_figures(
    model: type[Jurisdiction | Industry], counts: dict[int, int]
) -> list[dict[str, Any]]:
    """The statistics' rows of a group by district or industry: most entries first, then by
    name, each labelled in the page's language."""
    names = model.objects.filter(pk__in=list(counts)).values_list("pk", "name", "name_en")
    rows = sorted(names, key=lambda row: (-counts[row[0]], row[1]))
    return [
        {"key": pk, "label": bilingual_name(name, name_en), "count": counts[pk]}
        for pk, name, name_en in rows
    ]


def statistics(*, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """Every figure of the statistics page and API, as plain data (cached per period)."""

    def compute() -> dict[str, Any]:
        # From the tallies the database keeps: a few queries over a few thousand rows, where
        # grouping a million entries four times and joining every case took 5 s.
        site_districts = current_site().district_ids()
        figures = published_entry_figures(districts=site_districts)
        by_disposition = figures["disposition"]
        dispositions = [
            {"key": value, "label": str(label), "count": by_disposition.get(value, 0)}
            for value, label in Disposition.choices
        ]
        districts = _named_figures(Jurisdiction, figures["district_id"])
        industries = _named_figures(Industry, figures["industry_id"])
        years = [
            {"key": year, "label": str(year), "count": n}
            for year, n in sorted(figures["year"].items(), key=lambda item: item[0] or 0)
        ]
        cases = case_figures(districts=site_districts)
        on_time_rate = (
            (Decimal(cases["on_time"]) * 100 / cases["finished"]).quantize(Decimal("0.1"))
            if cases["finished"]
            else None
        )
        current = _accident_figures(start, end)
        previous_start, previous_end = _year_earlier(start), _year_earlier(end)
        previous = _accident_figures(previous_start, previous_end)
        accidents = [
            {
                "key": name,
                "label": str(label),
                "current": getattr(current, name),
                "previous": getattr(previous, name),
                "change": change_percent(getattr(current, name), getattr(previous, name)),
            }
            for name, label in [
                ("accidents", _("事故起数")),
                ("deaths", _("死亡人数")),
                ("injuries", _("受伤人数")),
                ("direct_loss", _("直接经济损失（元）")),
                ("major", _("较大事故（死亡3人以上）")),
            ]
        ]
        return {
            "published_entries": sum(by_disposition.values()),
            "dispositions": dispositions,
            "districts": districts,
            "industries": industries,
            "years": years,
            "cases_finished": cases["finished"],
            "cases_on_time": cases["on_time"],
            "cases_active": cases["active"],
            "cases_overdue": cases["overdue"],
            "on_time_rate": on_time_rate,
            "period": {"start": start, "end": end},
            "previous_period": {"start": previous_start, "end": previous_end},
            "accidents": accidents,
        }

    return public_cached("statistics", [start, end], compute, single_flight=True)
