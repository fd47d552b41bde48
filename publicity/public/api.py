"""The read-only open-data API (DRF): entries, batches, enterprises with public entries,
statistics. Anonymous, GET only, throttled per client; lists page by cursor (keyset)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from publicity.models import Batch, Entry
from publicity.public import selectors
from publicity.public.filters import EntryFilter
from publicity.public.forms import PeriodForm
from publicity.public.serializers import (
    BatchSerializer,
    EnterpriseSerializer,
    EntrySerializer,
    StatisticsSerializer,
)
from registry.models import Enterprise


class PublicAPIMixin:
    # Open data: no login, so no session or CSRF handling and no "Authorize" in the docs.
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "public_api"


class NewestFirst(CursorPagination):
    ordering = ("-published_on", "-id")
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


class ById(CursorPagination):
    ordering = ("id",)
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"


@extend_schema(
    parameters=[
        OpenApiParameter(
            "scope",
            OpenApiTypes.STR,
            enum=["listed", "removed", "all"],
            description="listed (default): on the list now; removed: removed or withdrawn.",
        )
    ]
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
        return selectors.with_public_replies(selectors.entry_queryset(scope="all"))

    def filter_queryset(self, queryset: QuerySet[Entry]) -> QuerySet[Entry]:
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)


class BatchViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet[Batch]):
    """Published batches, newest first."""

    serializer_class = BatchSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Batch]:
        return selectors.batches_public()


class EnterpriseViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet[Enterprise]):
    """Units with at least one entry on the public list now, and those entries' ids."""

    serializer_class = EnterpriseSerializer
    pagination_class = ById

    def get_queryset(self) -> QuerySet[Enterprise]:
        public = Entry.objects.public()
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
        responses=StatisticsSerializer,
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
