"""The public's pages of reports and consultations: the form and the tracker."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.requests import client_address
from publicity.submissions.forms import SubmissionForm, TrackingCodeForm
from publicity.submissions.selectors import area_at, submission_by_code
from publicity.submissions.services import (
    SubmissionError,
    submission_create,
    submission_rate_limited,
)
from registry.models import Jurisdiction


@require_http_methods(["GET", "HEAD", "POST"])
def _site_area(request: HttpRequest) -> Jurisdiction | None:
    """The city whose public site the form is on (``request.public_site``, set by
    public.sites.SiteMiddleware), or None on the root's."""
    site = getattr(request, "public_site", None)
    if site is None or site.whole:
        return None
    return area_at(path=site.rules.path)


def submission_new(request: HttpRequest) -> HttpResponse:
    form = SubmissionForm(request.POST or None, area=_site_area(request))
    if request.method == "POST" and form.is_valid():
        if submission_rate_limited(client=client_address(request)):
            form.add_error(None, _("提交过于频繁，请一小时后再试，或拨打举报电话。"))
            return render(request, "publicity/submissions/form.html", {"form": form}, status=429)
        data = form.cleaned_data
        try:
            submission = submission_create(
                kind=data["kind"],
                subject=data["subject"],
                body=data["body"],
                unit_name=data["unit_name"],
                district=data["district"] or form.area,
                is_anonymous=data["is_anonymous"],
                submitter_name=data["submitter_name"],
                submitter_contact=data["submitter_contact"],
            )
        except SubmissionError as error:
            form.add_error(None, str(error))
        else:
            # The code is shown once, on this page only: a GET page with it in the URL would
            # leave it in browser history and proxy logs.
            return render(
                request,
                "publicity/submissions/created.html",
                {"submission": submission},
                status=201,
            )
    return render(request, "publicity/submissions/form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def submission_status(request: HttpRequest) -> HttpResponse:
    # POST, so the code stays out of the URL (history, logs); a GET shows the empty form.
    form = TrackingCodeForm(request.POST or None)
    submission = None
    if request.method == "POST" and form.is_valid():
        submission = submission_by_code(code=form.cleaned_data["code"])
        if submission is None:
            form.add_error("code", _("没有找到这个查询码，请核对后重试。"))
    return render(
        request,
        "publicity/submissions/status.html",
        {"form": form, "submission": submission},
    )
