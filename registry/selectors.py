"""Reads of the registry for the staff area, scoped to the user's jurisdiction.

Related rows to load are decided here, once, so list pages run a constant number of queries
whatever the number of rows. Other apps' rows about an enterprise (entries, cases) are read
through the reverse relations their models declare, so this module imports no higher app.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict

from core.calendar import unknown_years_warning, working_calendar
from core.pages import bounded_count
from core.sql import Unindexed
from registry.enums import JurisdictionLevel
from registry.filters import AccidentFilter, EnterpriseFilter, InspectionFilter
from registry.history import changes_shown
from registry.models import (
    Accident,
    AuditRecord,
    Enterprise,
    EnterpriseImport,
    EnterpriseImportRow,
    Evidence,
    Finding,
    Inspection,
    Jurisdiction,
    LegalProvision,
    PendingUpload,
)
from registry.permissions import (
    object_for_user,
    scope_enterprises_to_user,
    scope_to_user,
    sees_whole_tree,
    user_jurisdiction,
)
from registry.search import has_exposures, same_name_key

AnyUser = User | AnonymousUser

# Where each record that flows from an inspection lies, for ``scope_to_user``: the place the
# inspection took place, not where its unit is registered (a unit is inspected anywhere in
# the province; each city sees its own inspections of it).
INSPECTION_PLACE_PATH = "place__path"
FINDING_PLACE_PATH = "inspection__place__path"


# --- Enterprises ---------------------------------------------------------------------------


def enterprise_list(*, user: AnyUser, params: QueryDict) -> EnterpriseFilter:
    """The enterprises the user may see (registered or inspected in their area), filtered by
    the list's query parameters."""
    # The whole register is walked in name order (its index); a part of it is read from
    # its bitmaps and sorted (registry.permissions.scope_enterprises_to_user).
    name = "name" if sees_whole_tree(user) else Unindexed("name")
    queryset = scope_enterprises_to_user(
        Enterprise.objects.select_related("jurisdiction", "industry")
        .defer("name_bigrams")
        .annotate(exposed=has_exposures())
        .order_by(name, "id"),
        user,
    )
    return EnterpriseFilter(params, queryset=queryset, user=user)


def enterprise_get(*, user: AnyUser, pk: int) -> Enterprise:
    """One enterprise the user may see (Http404 otherwise): registered in their area, or
    inspected in it."""
    enterprise = (
        scope_enterprises_to_user(
            Enterprise.objects.select_related(
                "jurisdiction", "jurisdiction__parent", "industry"
            ).defer("name_bigrams"),
            user,
        )
        .filter(pk=pk)
        .first()
    )
    if enterprise is None:
        raise Http404
    return enterprise


def enterprise_by_credit_code(*, code: str) -> Enterprise | None:
    """The unit holding this credit code anywhere in the register (the province's, one row
    per code): the inspector who found a unit registered in another city inspects that row
    rather than registering the unit twice. The code is the unit's public identity, so the
    row's name and registered place are what the lookup shows, never its records."""
    return (
        Enterprise.objects.select_related("jurisdiction")
        .defer("name_bigrams")
        .filter(credit_code=code)
        .first()
    )


def enterprise_for_inspection(*, user: AnyUser, pk: int, credit_code: str = "") -> Enterprise:
    """The unit an inspector records an inspection of: one they see
    (:func:`enterprise_get`), or one they looked up by its credit code in the province's
    register (:func:`enterprise_by_credit_code`): the code, as given, must be the unit's.
    Http404 otherwise."""
    if credit_code:
        enterprise = enterprise_by_credit_code(code=credit_code)
        if enterprise is not None and enterprise.pk == pk:
            return enterprise
    return enterprise_get(user=user, pk=pk)


def enterprise_related(*, enterprise: Enterprise, user: AnyUser) -> dict[str, Any]:
    """Everything about a unit for its page that lies in the user's area: inspections,
    findings, entries, cases, accidents. Another city's records of the same unit (it was
    inspected there too) are that city's and are not shown.

    Entries and cases belong to higher apps; they are read through the reverse relations
    ``Enterprise.entries`` and ``Enterprise.cases`` with the columns a list needs, each
    scoped by its own place column (``Entry.district``, ``Case.place``).
    """
    inspections = list(
        scope_to_user(enterprise.inspections.all(), user, INSPECTION_PLACE_PATH)
        .annotate(finding_count=Count("findings"))
        .select_related("place")
        .prefetch_related("inspectors")
        .order_by("-date", "-id")
    )
    findings = list(
        scope_to_user(
            Finding.objects.filter(inspection__enterprise=enterprise), user, FINDING_PLACE_PATH
        )
        .select_related("inspection")
        .annotate(entry_count=Count("entries"))
        .order_by("-inspection__date", "-id")
    )
    entries = list(
        scope_to_user(enterprise.entries.all(), user, "district__path")  # type: ignore[attr-defined]
        .select_related("batch")
        .order_by("-batch__published_on", "-id")
    )
    cases = list(
        scope_to_user(enterprise.cases.all(), user, "place__path")  # type: ignore[attr-defined]
        .select_related("department")
        .order_by("-opened_on", "-id")
    )
    accidents = list(
        scope_to_user(enterprise.accidents.all(), user, "jurisdiction__path").order_by(
            "-date", "-id"
        )
    )
    return {
        "inspections": inspections,
        "findings": findings,
        "entries": entries,
        "cases": cases,
        "accidents": accidents,
    }


def district_of(jurisdiction: Jurisdiction) -> Jurisdiction:
    """The district (县区) a jurisdiction lies in, or the city itself."""
    node = jurisdiction
    while node.level == JurisdictionLevel.TOWNSHIP and node.parent is not None:
        node = node.parent
    return node


def enterprises_with_similar_name(
    *, name: str, jurisdiction: Jurisdiction, exclude_pk: int | None = None
) -> list[Enterprise]:
    """Units of the same district whose names differ only in case, spaces, punctuation or a
    trailing legal form (the indexed ``name_key``)."""
    district = district_of(jurisdiction)
    candidates = (
        Enterprise.objects.filter(same_name_key(name), jurisdiction__path__startswith=district.path)
        .select_related("jurisdiction")
        .defer("name_bigrams")
        .order_by("name", "id")
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    return list(candidates[:20])


def jurisdictions_for(user: AnyUser) -> QuerySet[Jurisdiction]:
    """Districts and townships the user may file records under."""
    return scope_to_user(
        Jurisdiction.objects.exclude(
            level__in=[JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY]
        ).select_related("parent"),
        user,
        "path",
    ).order_by("path")


def districts_for(user: AnyUser) -> QuerySet[Jurisdiction]:
    return jurisdictions_for(user).filter(level=JurisdictionLevel.DISTRICT)


# --- Inspections and findings ------------------------------------------------------------------


def _finding_count(**conditions: Any) -> Coalesce:
    """The number of the outer inspection's findings (meeting ``conditions``): a subquery per
    row shown, which PostgreSQL evaluates after the page's LIMIT, where a grouped COUNT over
    the join counted the findings of every inspection before picking 25."""
    findings = (
        Finding.objects.filter(inspection=OuterRef("pk"), **conditions)
        .order_by()
        .values("inspection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(findings), 0)


def inspection_list(*, user: AnyUser, params: QueryDict, request: Any = None) -> InspectionFilter:
    queryset = scope_to_user(
        Inspection.objects.select_related("enterprise", "enterprise__jurisdiction", "place")
        .defer("enterprise__name_bigrams")
        .prefetch_related("inspectors")
        .annotate(
            finding_count=_finding_count(),
            proposed_count=_finding_count(proposed_for_publicity=True),
        )
        .order_by("-date", "-id"),
        user,
        INSPECTION_PLACE_PATH,
    )
    return InspectionFilter(params, queryset=queryset, request=request, user=user)


def inspection_get(*, user: AnyUser, pk: int) -> Inspection:
    return object_for_user(
        Inspection.objects.select_related(
            "enterprise", "enterprise__jurisdiction", "enterprise__industry", "created_by", "place"
        ).defer("enterprise__name_bigrams"),
        user,
        INSPECTION_PLACE_PATH,
        pk,
    )


def inspection_findings(*, inspection: Inspection) -> list[Finding]:
    return list(
        inspection.findings.prefetch_related(
            "provisions", Prefetch("evidence", queryset=Evidence.objects.order_by("id"))
        )
        .annotate(entry_count=Count("entries"))
        .order_by("id")
    )


def evidence_get(*, user: AnyUser, pk: int) -> Evidence:
    return object_for_user(
        Evidence.objects.select_related("finding"),
        user,
        f"finding__{FINDING_PLACE_PATH}",
        pk,
    )


def inspectors_for(user: AnyUser) -> QuerySet[User]:
    """Staff who may be named as inspectors on a record the user files: the inspector role,
    in the user's area or city-wide (city teams inspect in the districts too)."""
    own = user_jurisdiction(user)
    # Whoever may file an inspection (the inspector role's permission, as its group holds it).
    queryset = User.objects.with_perm("registry.add_inspection", include_superusers=False)
    if own is not None and not (user.is_authenticated and user.is_superuser):
        # The user's own district staff, and city-level staff above them.
        ancestors = [own.path[: i + 1] for i, ch in enumerate(own.path) if ch == "/"]
        queryset = queryset.filter(
            staff_profile__jurisdiction__path__in=ancestors
        ) | queryset.filter(staff_profile__jurisdiction__path__startswith=own.path)
    return queryset.distinct().order_by("last_name", "first_name", "username")


def legal_provisions() -> QuerySet[LegalProvision]:
    return LegalProvision.objects.order_by("act", "id")


def pending_uploads_for(*, user: AnyUser, ids: list[int]) -> list[PendingUpload]:
    if not user.is_authenticated or not ids:
        return []
    return list(PendingUpload.objects.filter(owner=user, pk__in=ids).order_by("id"))


def awaiting_batch(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """Findings awaiting a batch, defined once (the dashboard's panel and the batch
    composer's pool): proposed for publicity and held by no entry (``in_entries``: an entry
    withdrawn on an upheld objection holds its findings no more). The partial index
    ``finding_awaiting_batch`` holds exactly these."""
    return findings.filter(proposed_for_publicity=True, in_entries=0)


def findings_awaiting_batch(*, user: AnyUser, limit: int = 10) -> tuple[list[Finding], int]:
    """Findings proposed for publicity that stand in no batch yet, newest first, and how many
    (up to ``COUNT_BOUND`` + 1: "1,000+").

    :func:`awaiting_batch`, so both reads walk the partial index of what waits now, however
    many findings were ever batched.
    """
    queryset = scope_to_user(awaiting_batch(Finding.objects.all()), user, FINDING_PLACE_PATH)
    rows = list(
        queryset.select_related("inspection", "inspection__enterprise")
        .defer("inspection__enterprise__name_bigrams")
        .order_by("-id")[:limit]
    )
    # A short list is all of them: no second query.
    return rows, len(rows) if len(rows) < limit else bounded_count(queryset)


def recent_inspections(*, user: AnyUser, limit: int = 10) -> list[Inspection]:
    """The user's own latest inspections (as an inspector or as the one who recorded them).

    The latest ``limit`` of each kind, each from its own index, then the latest of those: an
    OR of the two over the join read every inspection to find a new inspector's none.
    """
    if not user.is_authenticated:
        return []
    inspected = (
        Inspection.inspectors.through.objects.filter(user=user)
        .order_by("-inspection__date", "-inspection_id")
        .values("inspection_id")[:limit]
    )
    recorded = Inspection.objects.filter(created_by=user).order_by("-date", "-id").values("id")
    return list(
        Inspection.objects.filter(pk__in=inspected.union(recorded[:limit]))
        .select_related("enterprise")
        .defer("enterprise__name_bigrams")
        .annotate(finding_count=_finding_count())
        .order_by("-date", "-id")[:limit]
    )


# --- Accidents -----------------------------------------------------------------------------


def accident_list(*, user: AnyUser, params: QueryDict) -> AccidentFilter:
    queryset = scope_to_user(
        Accident.objects.select_related("jurisdiction", "enterprise")
        .defer("enterprise__name_bigrams")
        .order_by("-date", "-id"),
        user,
        "jurisdiction__path",
    )
    return AccidentFilter(params, queryset=queryset, user=user)


def accident_get(*, user: AnyUser, pk: int) -> Accident:
    return object_for_user(
        Accident.objects.select_related("jurisdiction", "enterprise").defer(
            "enterprise__name_bigrams"
        ),
        user,
        "jurisdiction__path",
        pk,
    )


def enterprise_by_code_for(*, user: AnyUser, code: str) -> Enterprise | None:
    return (
        scope_to_user(Enterprise.objects.select_related("jurisdiction"), user, "jurisdiction__path")
        .defer("name_bigrams")
        .filter(credit_code=code)
        .first()
    )


# --- Audit ---------------------------------------------------------------------------------


def audit_history(*objects: Model) -> list[AuditRecord]:
    """The audit records of the given rows (of any audited model), newest first."""
    condition = Q(pk__in=[])
    for obj in objects:
        condition |= Q(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    records = list(
        AuditRecord.objects.filter(condition).select_related("actor").order_by("-at", "-id")
    )
    changes_shown(records)
    return records


def audit_history_of_findings(findings: list[Finding]) -> dict[int, list[AuditRecord]]:
    if not findings:
        return {}
    content_type = ContentType.objects.get_for_model(Finding)
    by_finding: dict[int, list[AuditRecord]] = {finding.pk: [] for finding in findings}
    records = AuditRecord.objects.filter(
        content_type=content_type, object_id__in=list(by_finding)
    ).select_related("actor")
    rows = list(records.order_by("-at", "-id"))
    changes_shown(rows)
    for record in rows:
        by_finding[record.object_id].append(record)
    return by_finding


def inspection_deadline_notes(*, inspection: Inspection) -> tuple[list[str], str]:
    """How an inspection's deadlines were reckoned: the reason of each that moved off a rest
    day, and the sentence naming any year whose holidays the calendar does not know (its
    weekends were the only rest days assumed; "" if none)."""
    calendar = working_calendar()
    reasons: list[str] = []
    unknown: set[int] = set()
    for finding in inspection.findings.order_by("id"):
        deadline = finding.deadline_info
        if deadline is None:
            continue
        if deadline.moved:
            reasons.append(deadline.reason)
        unknown.update(
            day.year
            for day in (deadline.original, deadline.day)
            if not calendar.year_is_known(day.year)
        )
    return reasons, unknown_years_warning(unknown)


def enterprise_import_rows_preview(
    *, enterprise_import: EnterpriseImport, first: int = 50
) -> tuple[int, int, list[EnterpriseImportRow]]:
    """How many checked rows of an import add a unit and how many update one, and its first
    rows: two queries, however long the file."""
    rows = enterprise_import.checked_rows.all()
    counts = rows.aggregate(
        new=Count("pk", filter=Q(existing_id__isnull=True)),
        update=Count("pk", filter=Q(existing_id__isnull=False)),
    )
    return counts["new"], counts["update"], list(rows.order_by("row")[:first])
