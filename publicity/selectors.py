"""Reads of the publicity app."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from core.rows import choice_labels
from core.workflow import Rights
from publicity.enums import BatchStatus, EntryStatus, ErratumStatus, ObjectionDecision
from publicity.filters import BatchFilter, FindingPoolFilter
from publicity.models import (
    Batch,
    BatchTransition,
    CaseTally,
    Entry,
    EntryTally,
    Erratum,
    ExposedUnit,
    ExposedUnitTally,
    Objection,
)
from publicity.permissions import (
    entry_rights,
    erratum_rights,
    finding_pool_scope,
    objection_rights,
    visible_batches,
)
from publicity.workflows.entries import pending_errata
from rectification.enums import CaseStatus
from rectification.models import Case
from registry.authorities import AuthorityRules, authorities
from registry.models import AuditRecord, Enterprise, Finding, Jurisdiction
from registry.permissions import authorities_in_scope, reads_several_authorities, user_authority
from registry.selectors import audit_history, awaiting_batch

# Finished cases: rectified, or the closure of a banned or closed unit verified.
FINISHED_CASE_STATUSES = CaseStatus.finished()
# Each district's figures: entries listed now, and of the published entries' cases those
# active, overdue (active, deadline passed), finished, and tracked (active or finished).
DISTRICT_FIGURES = ("listed", "active", "overdue", "finished", "tracked")


def district_tallies(
    *, today: datetime.date | None = None, districts: list[int] | None = None
) -> dict[int, dict[str, int]]:
    """Each district's figures (``DISTRICT_FIGURES``, by district id) from the tallies the
    database keeps (publicity.models.EntryTally, CaseTally): two queries over a few rows
    whatever the number of entries. A district with none of them is left out; with
    ``districts`` (a city's site: the ids of its jurisdictions), only those.

    Overdue = active less those due from ``today`` on: the tally's rows with a deadline from
    today on are the only dated rows read (an index range), however many days have passed.
    """
    today = today or timezone.localdate()
    figures: dict[int, dict[str, int]] = {}

    def of(district_id: int) -> dict[str, int]:
        return figures.setdefault(district_id, dict.fromkeys(DISTRICT_FIGURES, 0))

    entry_tallies = EntryTally.objects.all()
    case_tallies = CaseTally.objects.all()
    if districts is not None:
        entry_tallies = entry_tallies.filter(district_id__in=districts)
        case_tallies = case_tallies.filter(district_id__in=districts)
    listed = (
        entry_tallies.filter(status=EntryStatus.LISTED)
        .values("district_id")
        .annotate(n=Sum("entries"))
        .order_by()
    )
    for listed_row in listed:
        of(listed_row["district_id"])["listed"] = listed_row["n"]
    cases = (
        case_tallies.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))
        .values("district_id", "status")
        .annotate(
            total=Sum("cases", filter=Q(deadline__isnull=True), default=0),
            not_due=Sum("cases", filter=Q(deadline__isnull=False), default=0),
        )
        .order_by()
    )
    for row in cases:
        district = of(row["district_id"])
        if row["status"] in CaseStatus.active():
            district["active"] += row["total"]
            district["overdue"] += row["total"] - row["not_due"]
        elif row["status"] in FINISHED_CASE_STATUSES:
            district["finished"] += row["total"]
        else:
            continue
        district["tracked"] += row["total"]
    return figures


def figures_by_authority(
    owners: Sequence[AuthorityRules], *, today: datetime.date | None = None
) -> dict[int | None, dict[str, int]]:
    """Each of ``owners`` (by its pk) with its entries listed and its cases active, overdue,
    finished and tracked (``DISTRICT_FIGURES``), from the tallies (:func:`district_tallies`)
    and one query of the districts' paths: a district counts in the owner nearest above it
    (the longest path among them), in none when no owner holds it."""
    figures = district_tallies(today=today)
    paths = dict(
        Jurisdiction.objects.filter(pk__in=list(figures)).values_list("pk", "path").order_by()
    )
    sums = {rules.pk: dict.fromkeys(DISTRICT_FIGURES, 0) for rules in owners}
    for district_id, counts in figures.items():
        path = paths.get(district_id, "")
        owner = max(
            (rules for rules in owners if path.startswith(rules.path)),
            key=lambda rules: len(rules.path),
            default=None,
        )
        if owner is not None:
            for name in DISTRICT_FIGURES:
                sums[owner.pk][name] += counts[name]
    return sums


def authorities_overview(*, user: User, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """For staff who read several authorities (a province's): each authority below them with
    its figures (:func:`figures_by_authority`). Empty for anyone else."""
    if not reads_several_authorities(user):
        return []
    own = user_authority(user)
    # The authorities below the user's own (a superuser's: all but the top one).
    in_scope = set(authorities_in_scope(user)) if not user.is_superuser else None
    below = [
        rules
        for rules in authorities()
        if rules.pk != own.pk and (in_scope is None or rules.pk in in_scope)
    ]
    sums = figures_by_authority(below, today=today)
    return [{"authority": rules, **sums[rules.pk]} for rules in below]


def district_counts(
    entries: QuerySet[Entry], *, today: datetime.date | None = None
) -> dict[int, dict[str, int]]:
    """The same figures as :func:`district_tallies`, counted from ``entries`` (published ones,
    under any filter) and their cases in one grouped query: for the map under the list's
    filters, and as the reference the tallies are checked against. A second or more over a
    million entries."""
    today = today or timezone.localdate()
    active = Q(case__status__in=CaseStatus.active())
    finished = Q(case__status__in=FINISHED_CASE_STATUSES)
    grouped = (
        entries.filter(status__in=EntryStatus.published())
        .order_by()
        .values("district_id")
        .annotate(
            listed=Count("id", filter=Q(status=EntryStatus.LISTED)),
            active=Count("id", filter=active),
            overdue=Count("id", filter=active & Q(case__deadline__lt=today)),
            finished=Count("id", filter=finished),
            tracked=Count("id", filter=active | finished),
        )
    )
    return {
        row["district_id"]: {
            "listed": row["listed"],
            "active": row["active"],
            "overdue": row["overdue"],
            "finished": row["finished"],
            "tracked": row["tracked"],
        }
        for row in grouped
    }


def site_counts_compute(
    *,
    today: datetime.date | None = None,
    districts: list[int] | None = None,
    authority_ids: list[int] | None = None,
) -> dict[str, int]:
    """The home page's headline figures from the tallies the database keeps (four queries over
    a few rows, whatever the number of entries; counted afresh: :func:`site_counts_counted`).
    With ``districts`` and ``authority_ids`` (a city's site), the city's: its batches, and the
    exposed units registered in its area (one count over its units: tens of thousands at most).

    The cases are those of published entries: every case is opened when its entry is
    published, so these are all cases, and the figures add up to the map's.
    """
    figures = district_tallies(today=today, districts=districts).values()
    batches = Batch.objects.filter(status=BatchStatus.PUBLISHED)
    if districts is None:
        units = ExposedUnitTally.objects.aggregate(n=Sum("units", default=0))["n"]
    else:
        units = ExposedUnit.objects.filter(enterprise__jurisdiction_id__in=districts).count()
    if authority_ids is not None:
        batches = batches.filter(authority_id__in=authority_ids)
    return {
        "published_batches": batches.count(),
        "exposed_units": units,
        "listed_entries": sum(d["listed"] for d in figures),
        "cases_finished": sum(d["finished"] for d in figures),
        "cases_active": sum(d["active"] for d in figures),
        "cases_overdue": sum(d["overdue"] for d in figures),
    }


def site_counts_counted(*, today: datetime.date | None = None) -> dict[str, int]:
    """The same figures counted from the batches, entries and cases themselves: what the
    tallies must equal (``manage.py recount_site_tallies --check``, the tests). Seconds over
    a million entries: never in a request."""
    published = Entry.objects.filter(status__in=EntryStatus.published())
    # Units, not entries: a unit exposed in two batches is one exposed unit. A semi-join per
    # enterprise, not a COUNT(DISTINCT) that sorts a million entries.
    exposed = Enterprise.objects.filter(Exists(published.filter(enterprise=OuterRef("pk")))).count()
    districts = district_counts(Entry.objects.all(), today=today).values()
    return {
        "published_batches": Batch.objects.filter(status=BatchStatus.PUBLISHED).count(),
        "exposed_units": exposed,
        "listed_entries": sum(d["listed"] for d in districts),
        "cases_finished": sum(d["finished"] for d in districts),
        "cases_active": sum(d["active"] for d in districts),
        "cases_overdue": sum(d["overdue"] for d in districts),
    }


# --- The statistics' figures ------------------------------------------------------------------

# The groups the statistics count published entries by, each a column of the tally.
FIGURE_GROUPS = ("disposition", "district_id", "industry_id", "year")

FIGURES_SQL = """
    SELECT {groups}, GROUPING({groups}), sum({value}) FROM {source}
    GROUP BY GROUPING SETS ({sets}) HAVING sum({value}) <> 0
"""


def published_entry_figures(
    *, counted: bool = False, districts: list[int] | None = None
) -> dict[str, dict[Any, int]]:
    """Published entries by disposition, district id, industry id and year of publication
    ({group: {key: entries}}), from the tally the database keeps (one query over a few
    thousand rows: ``publicity.models.EntryFigureTally``), or ``counted`` from the entries
    themselves (one scan of every published entry: for the checks, never a request); with
    ``districts``, of those districts only (a city's site)."""
    if counted:
        source = (
            "(SELECT disposition, district_id, industry_id, "
            "date_part('year', published_on)::int AS year, 1 AS n "
            "FROM publicity_entry WHERE status = ANY(%s)) AS published"
        )
        params: list[Any] = [[str(status) for status in EntryStatus.published()]]
        value = "n"
    else:
        source, params, value = "publicity_entryfiguretally", [], "entries"
    if districts is not None and not counted:
        source = f"(SELECT * FROM {source} WHERE district_id = ANY(%s)) AS scoped"  # noqa: S608
        params = [list(districts)]
    groups = ", ".join(FIGURE_GROUPS)
    sql = FIGURES_SQL.format(
        groups=groups,
        source=source,
        value=value,
        sets=", ".join(f"({group})" for group in FIGURE_GROUPS),
    )
    figures: dict[str, dict[Any, int]] = {group: {} for group in FIGURE_GROUPS}
    width = len(FIGURE_GROUPS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            # GROUPING(...) has a bit set for each column not grouped by: the one clear bit
            # (the highest bit is the first column) names the set.
            grouping = row[width]
            index = next(i for i in range(width) if not grouping & (1 << (width - 1 - i)))
            figures[FIGURE_GROUPS[index]][row[index]] = int(row[width + 1])
    return figures


def cases_on_time(*, counted: bool = False, districts: list[int] | None = None) -> int:
    """The finished cases of published entries closed on or before their deadline, from the
    case tally (one query over a few rows), or ``counted`` from the cases themselves."""
    if counted:
        return Case.objects.filter(
            entry__status__in=EntryStatus.published(),
            status__in=FINISHED_CASE_STATUSES,
            closed_on__lte=F("deadline"),
        ).count()
    tallied = CaseTally.objects.filter(deadline__isnull=True, on_time=True)
    if districts is not None:
        tallied = tallied.filter(district_id__in=districts)
    return int(tallied.aggregate(n=Sum("cases", default=0))["n"])


def case_figures(
    *,
    today: datetime.date | None = None,
    counted: bool = False,
    districts: list[int] | None = None,
) -> dict[str, int]:
    """The cases of published entries: finished, finished on or before their deadline,
    active and overdue; from the tallies the database keeps (two queries over a few rows), or
    ``counted`` from the cases themselves (seconds over a million: never in a request)."""
    today = today or timezone.localdate()
    if counted:
        rows = district_counts(Entry.objects.all(), today=today).values()
    else:
        rows = district_tallies(today=today, districts=districts).values()
    return {
        "finished": sum(d["finished"] for d in rows),
        "on_time": cases_on_time(counted=counted, districts=districts),
        "active": sum(d["active"] for d in rows),
        "overdue": sum(d["overdue"] for d in rows),
    }


def site_tallies_drift(*, today: datetime.date | None = None) -> dict[str, tuple[int, int]]:
    """Each figure whose tally differs from a count of the rows, as (tallied, counted); empty
    when they agree. Both are read in one snapshot (REPEATABLE READ), so writes committed
    meanwhile do not show as drift. District figures are named "district <id> <figure>"."""
    today = today or timezone.localdate()
    # Inside a caller's transaction (a test's) the isolation level is already set.
    snapshot = not connection.in_atomic_block
    with transaction.atomic():
        if snapshot:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        tallied = site_counts_compute(today=today)
        counted = site_counts_counted(today=today)
        tallied_districts = district_tallies(today=today)
        counted_districts = district_counts(Entry.objects.all(), today=today)
        tallied_figures = published_entry_figures()
        counted_figures = published_entry_figures(counted=True)
        tallied["cases_on_time"] = cases_on_time()
        counted["cases_on_time"] = cases_on_time(counted=True)
    for group in FIGURE_GROUPS:
        for key in tallied_figures[group].keys() | counted_figures[group].keys():
            name = f"statistics {group} {key}"
            tallied[name] = tallied_figures[group].get(key, 0)
            counted[name] = counted_figures[group].get(key, 0)
    for district_id in tallied_districts.keys() | counted_districts.keys():
        zero = dict.fromkeys(DISTRICT_FIGURES, 0)
        for name in DISTRICT_FIGURES:
            key = f"district {district_id} {name}"
            tallied[key] = tallied_districts.get(district_id, zero)[name]
            counted[key] = counted_districts.get(district_id, zero)[name]
    return {
        name: (tallied[name], counted[name]) for name in tallied if tallied[name] != counted[name]
    }


def batches_missing_notice() -> QuerySet[Batch]:
    """Finalised or published batches whose notice PDF has not been built yet."""
    return Batch.objects.filter(
        status__in=[BatchStatus.FINALISED, BatchStatus.PUBLISHED], notice_sha256=""
    ).order_by("year", "number")


# --- Staff pages --------------------------------------------------------------------------------


def _batch_entry_count() -> Coalesce:
    """The number of entries of each batch of the outer query, as a correlated subquery:
    PostgreSQL evaluates it for the rows read only (a page), where a grouped COUNT over the
    join counts every entry of every batch first."""
    entries = (
        Entry.objects.filter(batch=OuterRef("pk"))
        .order_by()
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(entries), 0)


def batch_list(*, user: User, data: QueryDict | None = None) -> tuple[BatchFilter, QuerySet[Batch]]:
    """Batches the user may see, newest first, with their entry counts (one query a page).

    Each count is a subquery of the row's own entries, which PostgreSQL evaluates for the
    page's rows only: a grouped COUNT over the join counted a million entries for 25 rows.
    """
    batches = (
        visible_batches(user)
        .select_related("composed_by", "approved_by")
        .annotate(entry_count=_batch_entry_count())
        .order_by("-created_at", "-id")
    )
    filterset = BatchFilter(data, queryset=batches)
    return filterset, filterset.qs


def batch_entries(*, batch: Batch) -> QuerySet[Entry]:
    """A batch's entries with everything the batch page shows beside each, and what their
    rights ask (``erratum_pending``, for the erratum table's guard). A page's objections and
    errata are read by :func:`with_entry_rights`: a constant number of queries whatever the
    number of rows."""
    return (
        batch.entries.select_related("district", "department", "letter", "case")
        .annotate(erratum_pending=Exists(pending_errata().filter(entry=OuterRef("pk"))))
        .order_by("position")
    )


def _by_entry(queryset: QuerySet[Any], entries: list[Entry]) -> dict[int, list[Any]]:
    """The rows of ``queryset`` that belong to ``entries``, by entry id, in one query, each
    holding its entry (its rights read the entry and its batch)."""
    by_pk = {entry.pk: entry for entry in entries}
    rows: dict[int, list[Any]] = {pk: [] for pk in by_pk}
    for row in queryset.filter(entry__in=list(by_pk)):
        row.entry = by_pk[row.entry_id]
        rows[row.entry_id].append(row)
    return rows


def _choice_labels(model: type[Model], *fields: str) -> dict[str, dict[str, str]]:
    """Each field's choices as {value: label} in the active language, looked up once."""
    return {name: choice_labels(model, name) for name in fields}


def with_entry_rights(entries: Iterable[Entry], *, user: User, batch_rights: Rights) -> None:
    """Give each entry of a page its objections and errata (``objection_list``,
    ``erratum_list``: two queries for the page), its rights, and each objection and erratum
    theirs (read from the workflow tables).

    Each row also gets its choices' labels (``labels``: {field: label}), looked up once a page:
    ``get_FOO_display`` hashes every label of its field, translating each, on every call."""
    entry_labels = _choice_labels(Entry, "category", "disposition", "status")
    objection_labels = _choice_labels(Objection, "decision")
    erratum_labels = _choice_labels(Erratum, "kind", "status")

    def labels_of(obj: Model, choices: dict[str, dict[str, str]]) -> dict[str, str]:
        # What get_FOO_display shows: the choice's label, else the value itself.
        return {
            name: labels.get(value, value)
            for name, labels in choices.items()
            for value in [str(getattr(obj, name))]
        }

    entries = list(entries)
    # A page's objections and errata in a query each, as lists on their entries (a
    # prefetch built a related queryset per row to hold them: 2 x 100 clones a page).
    objections = _by_entry(Objection.objects.select_related("decided_by").order_by("id"), entries)
    errata = _by_entry(Erratum.objects.select_related("author", "approved_by"), entries)
    for entry in entries:
        entry.objection_list = objections[entry.pk]  # type: ignore[attr-defined]
        entry.erratum_list = errata[entry.pk]  # type: ignore[attr-defined]
        entry.rights = entry_rights(entry, user, batch_rights)  # type: ignore[attr-defined]
        entry.labels = labels_of(entry, entry_labels)  # type: ignore[attr-defined]
        # Whether its prior-notice letter exists (fetched with the row): asked in a template,
        # a missing one-to-one raises, and the engine inspects the whole entry to say so.
        entry.has_letter = hasattr(entry, "letter")  # type: ignore[attr-defined]
        for objection in entry.objection_list:  # type: ignore[attr-defined]
            objection.rights = objection_rights(objection, user)  # type: ignore[attr-defined]
            objection.labels = labels_of(objection, objection_labels)  # type: ignore[attr-defined]
        for erratum in entry.erratum_list:  # type: ignore[attr-defined]
            erratum.rights = erratum_rights(erratum, user)  # type: ignore[attr-defined]
            erratum.labels = labels_of(erratum, erratum_labels)  # type: ignore[attr-defined]


def batch_history(*, batch: Batch) -> QuerySet[BatchTransition]:
    return batch.transitions.select_related("by").order_by("at", "id")


def batch_compose_history(*, batch: Batch) -> list[AuditRecord]:
    """What composing did to the batch's entries (added, edited, reordered, taken out), with
    old and new values, newest first: the history rows of the BATCH table's move ``edit``."""
    return audit_history(batch)


def finding_pool(
    *, user: User, data: QueryDict | None = None
) -> tuple[FindingPoolFilter, QuerySet[Finding]]:
    """Findings proposed for publicity in the user's area and in no batch yet (but those
    withdrawn on an objection), newest first: the registry's one definition of a finding
    awaiting a batch, read from its partial index."""

    findings = (
        awaiting_batch(finding_pool_scope(user))
        .select_related("inspection__enterprise__jurisdiction", "inspection__place")
        .order_by("-id")
    )
    filterset = FindingPoolFilter(data, queryset=findings, user=user)
    return filterset, filterset.qs


def approval_queue(*, user: User) -> QuerySet[Batch]:
    """Submitted batches the user may approve: never their own."""

    if not user.has_perm("publicity.approve_batch"):
        return Batch.objects.none()
    return (
        visible_batches(user)
        .filter(status=BatchStatus.SUBMITTED)
        .exclude(composed_by=user)
        .select_related("composed_by")
        .annotate(entry_count=_batch_entry_count())
        .order_by("submitted_at", "id")
    )


def objection_queue(*, user: User) -> QuerySet[Objection]:
    """Undecided objections of batches the user may see, oldest first."""

    return (
        Objection.objects.filter(
            decision=ObjectionDecision.PENDING, entry__batch__in=visible_batches(user)
        )
        .select_related("entry__batch", "recorded_by")
        .order_by("received_on", "id")
    )


def errata_queue(*, user: User) -> QuerySet[Erratum]:
    """Errata awaiting an official's decision (shown to those who may approve them)."""

    if not user.has_perm("publicity.approve_erratum"):
        return Erratum.objects.none()
    return (
        Erratum.objects.filter(
            status=ErratumStatus.SUBMITTED, entry__batch__in=visible_batches(user)
        )
        .exclude(author=user)
        .select_related("entry__batch", "author")
        .order_by("created_at", "id")
    )


def dashboard_panel(*, user: User) -> dict[str, Any]:
    """The staff dashboard's publication panel: what waits for this user (a few COUNTs)."""

    mine = visible_batches(user).filter(composed_by=user)
    today = timezone.localdate()
    visible = visible_batches(user)
    return {
        "drafts": mine.filter(status=BatchStatus.DRAFT).count(),
        "returned": mine.filter(status=BatchStatus.RETURNED).count(),
        "to_approve": approval_queue(user=user).count(),
        "open_objections": objection_queue(user=user).count(),
        "errata_to_decide": errata_queue(user=user).count(),
        "ready_to_finalise": visible.filter(
            status=BatchStatus.APPROVED, notice_period_ends__lt=today
        ).count()
        if user.has_perm("publicity.publish_batch")
        else 0,
        "to_publish": visible.filter(status=BatchStatus.FINALISED).count()
        if user.has_perm("publicity.publish_batch")
        else 0,
    }
