"""Staff pages of the publication workflow, mounted at /staff/batches/ (config/urls.py)."""

from django.urls import path

from publicity.views import batches, documents, objections, published

app_name = "publicity"

urlpatterns = [
    path("", batches.batch_list, name="batch-list"),
    path("new/", batches.batch_new, name="batch-new"),
    path("approvals/", batches.approval_queue, name="approval-queue"),
    path("objections/", batches.objection_queue, name="objection-queue"),
    path("objections/<int:pk>/", objections.objection_decide_view, name="objection-decide"),
    path("objections/<int:pk>/evidence/", objections.objection_evidence, name="objection-evidence"),
    path("errata/<int:pk>/decide/", published.erratum_decide_view, name="erratum-decide"),
    path("<int:pk>/", batches.batch_detail, name="batch-detail"),
    path("<int:pk>/compose/", batches.batch_compose, name="batch-compose"),
    path("<int:pk>/review/", batches.batch_review, name="batch-review"),
    # The moves of the BATCH table, through one view.
    path("<int:pk>/submit/", batches.batch_move, {"move": "submit"}, name="batch-submit"),
    path("<int:pk>/reopen/", batches.batch_move, {"move": "reopen"}, name="batch-reopen"),
    path("<int:pk>/approve/", batches.batch_move, {"move": "approve"}, name="batch-approve"),
    path("<int:pk>/return/", batches.batch_move, {"move": "return"}, name="batch-return"),
    path("<int:pk>/finalise/", batches.batch_move, {"move": "finalise"}, name="batch-finalise"),
    path("<int:pk>/publish/", batches.batch_publish, name="batch-publish"),
    path("<int:pk>/preview.pdf", documents.batch_preview, name="batch-preview"),
    path("<int:pk>/notice.pdf", documents.batch_notice, name="batch-notice"),
    path("<int:pk>/media-reports/new/", published.media_report_new, name="media-report-new"),
    path("entries/<int:pk>/edit/", batches.entry_edit, name="entry-edit"),
    path("entries/<int:pk>/move/", batches.entry_move_view, name="entry-move"),
    path("entries/<int:pk>/remove/", batches.entry_remove_view, name="entry-remove"),
    path("entries/<int:pk>/letter.pdf", documents.entry_letter, name="entry-letter"),
    path("entries/<int:pk>/objection/", objections.objection_new, name="objection-new"),
    path("entries/<int:pk>/erratum/", published.erratum_new, name="erratum-new"),
    path(
        "entries/<int:pk>/remove-early/",
        published.entry_remove_early_view,
        name="entry-remove-early",
    ),
]
