"""Staff pages of the publication workflow, mounted at /staff/batches/ (config/urls.py)."""

from django.urls import path

from publicity import views

app_name = "publicity"

urlpatterns = [
    path("", views.batch_list, name="batch-list"),
    path("new/", views.batch_new, name="batch-new"),
    path("approvals/", views.approval_queue, name="approval-queue"),
    path("objections/", views.objection_queue, name="objection-queue"),
    path("objections/<int:pk>/", views.objection_decide_view, name="objection-decide"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection-evidence"),
    path("errata/<int:pk>/decide/", views.erratum_decide_view, name="erratum-decide"),
    path("<int:pk>/", views.batch_detail, name="batch-detail"),
    path("<int:pk>/compose/", views.batch_compose, name="batch-compose"),
    path("<int:pk>/review/", views.batch_review, name="batch-review"),
    # The moves of the BATCH table, through one view.
    path("<int:pk>/submit/", views.batch_move, {"move": "submit"}, name="batch-submit"),
    path("<int:pk>/reopen/", views.batch_move, {"move": "reopen"}, name="batch-reopen"),
    path("<int:pk>/approve/", views.batch_move, {"move": "approve"}, name="batch-approve"),
    path("<int:pk>/return/", views.batch_move, {"move": "return"}, name="batch-return"),
    path("<int:pk>/finalise/", views.batch_move, {"move": "finalise"}, name="batch-finalise"),
    path("<int:pk>/publish/", views.batch_publish, name="batch-publish"),
    path("<int:pk>/preview.pdf", views.batch_preview, name="batch-preview"),
    path("<int:pk>/notice.pdf", views.batch_notice, name="batch-notice"),
    path("<int:pk>/media-reports/new/", views.media_report_new, name="media-report-new"),
    path("entries/<int:pk>/edit/", views.entry_edit, name="entry-edit"),
    path("entries/<int:pk>/move/", views.entry_move_view, name="entry-move"),
    path("entries/<int:pk>/remove/", views.entry_remove_view, name="entry-remove"),
    path("entries/<int:pk>/letter.pdf", views.entry_letter, name="entry-letter"),
    path("entries/<int:pk>/objection/", views.objection_new, name="objection-new"),
    path("entries/<int:pk>/erratum/", views.erratum_new, name="erratum-new"),
    path(
        "entries/<int:pk>/remove-early/",
        views.entry_remove_early_view,
        name="entry-remove-early",
    ),
]
