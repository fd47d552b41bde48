"""The back office's pages, under /staff/ (config/urls.py)."""

from django.urls import path, re_path

from registry import views

app_name = "registry"

urlpatterns = [
    path("enterprises/", views.enterprise_list_view, name="enterprise-list"),
    path("enterprises/new/", views.enterprise_create_view, name="enterprise-create"),
    path("enterprises/<int:pk>/", views.enterprise_detail_view, name="enterprise-detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit_view, name="enterprise-edit"),
    path(
        "enterprises/<int:enterprise_pk>/inspections/new/",
        views.inspection_create_view,
        name="inspection-create",
    ),
    path("enterprises/import/", views.enterprise_import_view, name="enterprise-import"),
    path(
        "enterprises/import/<int:pk>/",
        views.enterprise_import_detail_view,
        name="enterprise-import-detail",
    ),
    path(
        "enterprises/import/<int:pk>/progress/",
        views.enterprise_import_progress_view,
        name="enterprise-import-progress",
    ),
    path(
        "enterprises/import/<int:pk>/confirm/",
        views.enterprise_import_confirm_view,
        name="enterprise-import-confirm",
    ),
    re_path(
        r"^enterprises/import/template\.(?P<fmt>csv|xlsx)$",
        views.enterprise_import_template_view,
        name="enterprise-import-template",
    ),
    path("inspections/", views.inspection_list_view, name="inspection-list"),
    path("inspections/new/", views.inspection_start_view, name="inspection-start"),
    path("inspections/<int:pk>/", views.inspection_detail_view, name="inspection-detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit_view, name="inspection-edit"),
    path("evidence/<int:pk>/", views.evidence_view, name="evidence"),
    path("accidents/", views.accident_list_view, name="accident-list"),
    path("accidents/new/", views.accident_create_view, name="accident-create"),
    path("accidents/<int:pk>/", views.accident_detail_view, name="accident-detail"),
    path("accidents/<int:pk>/edit/", views.accident_edit_view, name="accident-edit"),
]
