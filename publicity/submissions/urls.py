"""URLs of reports and consultations (``submissions:``, mounted at the root): the public's
form and tracker, and the staff triage."""

from django.urls import path

from publicity.submissions import triage, views

app_name = "submissions"

urlpatterns = [
    path("reports/new/", views.submission_new, name="new"),
    path("reports/status/", views.submission_status, name="status"),
    path("staff/submissions/", triage.triage_list, name="triage-list"),
    path("staff/submissions/<int:pk>/", triage.triage_detail, name="triage-detail"),
]
