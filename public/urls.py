"""URLs of the public site (mounted at the root) and of the submission triage."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from public import api, views
from public.feeds import PublicFeed

app_name = "public"

router = SimpleRouter()
router.register("entries", api.EntryViewSet, basename="api-entry")
router.register("batches", api.BatchViewSet, basename="api-batch")
router.register("enterprises", api.EnterpriseViewSet, basename="api-enterprise")

api_patterns = [
    path("statistics/", api.StatisticsView.as_view(), name="api-statistics"),
    *router.urls,
]

urlpatterns = [
    path("entries/", views.entry_list, name="entry-list"),
    path("entries/export.csv", views.entry_export_csv, name="entry-export-csv"),
    path("entries/export.xlsx", views.entry_export_xlsx, name="entry-export-xlsx"),
    path("entries/exports/<slug:token>/", views.export_job, name="export-job"),
    path(
        "entries/exports/<slug:token>/download",
        views.export_job_download,
        name="export-job-download",
    ),
    path("entries/removed/", views.removal_log, name="removal-log"),
    path("entries/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("batches/", views.batch_archive, name="batch-archive"),
    path("batches/<int:pk>/", views.batch_detail, name="batch-detail"),
    path("batches/<int:pk>/notice.pdf", views.batch_notice, name="batch-notice"),
    path("statistics/", views.statistics, name="statistics"),
    path("maps/province-<slug:code>.js", views.province_map_script, name="province-map"),
    path("feed.atom", PublicFeed(), name="feed"),
    path("api/public/", include(api_patterns)),
    path(
        "api/public/schema/",
        # The open-data endpoints only: staff APIs elsewhere are not part of this schema.
        SpectacularAPIView.as_view(patterns=[path("api/public/", include(api_patterns))]),
        name="api-schema",
    ),
    path(
        "api/public/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="public:api-schema", template_name="public/api_docs.html"
        ),
        name="api-docs",
    ),
]
