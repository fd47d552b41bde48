"""URLs of rectification: the staff case pages (``rectification:``, under /staff/cases/) and
the unit's own channel (``rectification-unit:``, under /unit/)."""

from django.urls import path

from rectification import reply_views, views

app_name = "rectification"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("inbox/<int:message_id>/open/", views.inbox_open, name="inbox-open"),
    path("replies/", reply_views.reply_list, name="reply-list"),
    path("replies/<int:reply_id>/", reply_views.reply_detail, name="reply-detail"),
    path(
        "replies/<int:reply_id>/attachment/",
        reply_views.reply_attachment,
        name="reply-attachment",
    ),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/progress/", views.case_progress, name="case-progress"),
    path("<int:pk>/application/", views.case_application, name="case-application"),
    path("<int:pk>/reinspection/", views.case_reinspection, name="case-reinspection"),
    path("<int:pk>/extension/", views.case_extension, name="case-extension"),
    path("<int:pk>/supervision/", views.case_supervision, name="case-supervision"),
    path("<int:pk>/contact/", views.case_contact, name="case-contact"),
    path("<int:pk>/letter/", views.case_letter, name="case-letter"),
    path("<int:pk>/letter.pdf", views.case_letter_download, name="case-letter-download"),
    path("<int:pk>/evidence/<int:evidence_id>/", views.case_evidence, name="case-evidence"),
]

# The unit's channel, included by config/urls.py as ``include(unit_patterns)``.
unit_patterns = (
    [
        path("", views.unit_login, name="login"),
        path("case/", views.unit_case, name="case"),
        path("case/progress/", views.unit_progress, name="progress"),
        path("case/application/", views.unit_application, name="application"),
        path("case/reply/", views.unit_reply, name="reply"),
        path("logout/", views.unit_logout, name="logout"),
    ],
    "rectification-unit",
)
