"""The read-only open-data API (DRF): entries, batches, enterprises with public entries,
statistics. Anonymous, GET only, throttled per client; lists page by cursor (keyset)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from public import selectors
from public.filters import EntryFilter
from public.forms import PeriodForm
from public.serializers import (
    BatchSerializer,
    EnterpriseSerializer,
    EntrySerializer,
    StatisticsSerializer,
)
from publicity.models import Batch, Entry
from registry.models import Enterprise

# The error responses, documented so a client (and tests/public/test_api_fuzz.py)
# knows every status it may get: DRF's {"detail": ...} for 404 and 429, and a form's
# {parameter: [messages]} for a query parameter refused.
_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
BAD_PARAMETERS = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
    },
    description="A query parameter refused: a value outside its choices, not a date, …",
)
NOT_FOUND = OpenApiResponse(_DETAIL, description="No such record, or a cursor not ours.")
THROTTLED = OpenApiResponse(_DETAIL, description="Too many requests from this client.")
# Ids are whole numbers; the URL takes any segment (PublicAPIMixin) only to answer in JSON.
RECORD_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def blank_filters_allowed(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular hook: the entry list's filters take an empty value as "any", as the
    list page's form sends them (the API shares its filter set), so the schema says so."""
    filters = {*EntryFilter.base_filters, "scope"}
    operation = result["paths"].get(reverse("public:api-entry-list"), {}).get("get", {})
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter["name"] in filters:
            parameter["allowEmptyValue"] = True
    return result


class PublicAPIMixin:
    # Open data: no login, so no session or CSRF handling and no "Authorize" in the docs.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_api"
    # Any path segment reaches the view, so /batches/x/ is this API's JSON 404, not the
    # site's HTML page (the router's default stops at a dot, for format suffixes we do
    # not use).
    lookup_value_regex = "[^/]+"


class StrictPageSize(CursorPagination):
    """A page size that is not a whole number of at least one is refused (400) like any other
    bad parameter; DRF's own would quietly serve the default instead. Above the maximum it
    is the maximum, as documented."""

    def get_page_size(self, request: Request) -> int:
        assert self.page_size_query_param is not None  # noqa: S101 - set by both subclasses
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        field = forms.IntegerField(min_value=1)
        try:
            size: int = field.clean(request.query_params[self.page_size_query_param])
        except DjangoValidationError as error:
            raise ValidationError({self.page_size_query_param: error.messages}) from error
        return min(size, self.max_page_size) if self.max_page_size else size


class NewestFirst(StrictPageSize):
    ordering = ("-published_on", "-id")
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


class ById(StrictPageSize):
    ordering = ("id",)
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


def _read_only_schema(serializer: type[Any], *list_parameters: OpenApiParameter) -> Any:
    """The documented answers of a read-only viewset: its list (and the list's own
    parameters) and one record by id, each with the refusals the views send."""
    return extend_schema_view(
        list=extend_schema(
            parameters=list(list_parameters) or None,
            responses={
                200: serializer(many=True),
                400: BAD_PARAMETERS,
                404: NOT_FOUND,
                429: THROTTLED,
            },
        ),
        retrieve=extend_schema(
            parameters=[RECORD_ID],
            responses={200: serializer, 404: NOT_FOUND, 429: THROTTLED},
        ),
    )


# What EntrySerializer writes, and nothing more: the entry's other columns (its name's search
# bigrams, the contact details staff keep) and the joined rows' would be read and turned into
# Python objects for every row only to be dropped.
ENTRY_API_COLUMNS = [
    "id",
    "status",
    "unit_name",
    "address",
    "violation_text",
    "category",
    "disposition",
    "rectification_deadline",
    "rectification_deadline_moved_from",
    "rectification_deadline_holiday",
    "responsible_person",
    "published_on",
    "printed_number",
    "credit_code",
    "batch__year",
    "batch__number",
    "batch__status",
    "case__status",
    "case__deadline",
    "district__name",
    "industry__name",
    "department__name",
]


@_read_only_schema(
    EntrySerializer,
    # Scope narrows the list only: one entry is reachable by id whatever its scope.
    OpenApiParameter(
        "scope",
        OpenApiTypes.STR,
        enum=["listed", "removed", "all"],
        description="listed (default): on the list now; removed: removed or withdrawn.",
    ),
)
class EntryViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet[Entry]):
    """Published entries of the exposure list, newest first, with the list's filters."""

    serializer_class = EntrySerializer
    pagination_class = NewestFirst
    filter_backends = [DjangoFilterBackend]
    filterset_class = EntryFilter

    def get_queryset(self) -> QuerySet[Entry]:
        # The filter set narrows the list to the scope asked for (listed by default); one
        # entry is reachable by id whatever its scope, like its page.
        return selectors.with_public_replies(
            selectors.entry_queryset(scope="all").only(*ENTRY_API_COLUMNS)
        )

    def filter_queryset(self, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)


@_read_only_schema(BatchSerializer)
class BatchViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet[Batch]):
    """Published batches, newest first."""

    serializer_class = BatchSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Batch]:
        return selectors.batches_public()


@_read_only_schema(EnterpriseSerializer)
class EnterpriseViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet[Enterprise]):
    """Units with at least one entry on the public list now, and those entries' ids."""

    serializer_class = EnterpriseSerializer
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Enterprise]:
        # The site's (a city's site: entries exposed in its districts).
        public = selectors.in_site(Entry.objects.public())
        return (
            Enterprise.objects.filter(Exists(public.filter(enterprise=OuterRef("pk"))))
            .select_related("jurisdiction", "industry")
            .defer("name_bigrams")
            .prefetch_related(
                Prefetch("entries", queryset=public.order_by("id"), to_attr="public_entries")
            )
        )


class StatisticsView(PublicAPIMixin, APIView):
    """The statistics page's figures; accidents for ?start=&end= (ISO dates) against the same
    period a year earlier (同比)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
        ],
        responses={200: StatisticsSerializer, 400: BAD_PARAMETERS, 429: THROTTLED},
    )
    def get(self, request: Request) -> Response:
        start, end = selectors.accident_default_period()
        if "start" in request.GET or "end" in request.GET:
            form = PeriodForm(request.GET)
            if not form.is_valid():
                return Response(form.errors, status=400)
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        stats = selectors.statistics(start=start, end=end)
        return Response(StatisticsSerializer(stats).data)
