"""The staff triage of reports and consultations: the queue and one submission."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.pages import staff_view
from publicity.models import Submission
from publicity.submissions.forms import AssignForm, ReplyForm, TriageFilterForm
from publicity.submissions.selectors import submission_history, submissions_for_staff
from publicity.submissions.services import (
    SubmissionError,
    submission_assign,
    submission_reply,
)


@require_safe
@staff_view("publicity.change_submission")
def triage_list(request: HttpRequest) -> HttpResponse:
    form = TriageFilterForm(request.GET or None)
    user = request.user
    assert user.is_authenticated  # noqa: S101 - login_required above
    queryset = submissions_for_staff(user=user).order_by("-created_at", "-id")
    if form.is_valid():
        if form.cleaned_data["status"]:
            queryset = queryset.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["mine"]:
            queryset = queryset.filter(assigned_to=user)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "publicity/submissions/triage_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def _triage_get(request: HttpRequest, pk: int) -> Submission:
    submission = submissions_for_staff(user=request.user).filter(pk=pk).first()
    if submission is None:
        raise Http404(_("没有这条举报咨询，或不在您的辖区。"))
    return submission


@require_http_methods(["GET", "HEAD", "POST"])
@staff_view("publicity.change_submission")
def triage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _triage_get(request, pk)
    assign_form = AssignForm(
        request.POST if request.POST.get("action") == "assign" else None,
        initial={"assignee": submission.assigned_to_id},
    )
    reply_form = ReplyForm(
        request.POST if request.POST.get("action") == "reply" else None,
        initial={"public_reply": submission.public_reply, "status": submission.status},
        record=submission,
    )
    user = request.user
    assert user.is_authenticated  # noqa: S101 - login_required above
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assign" and assign_form.is_valid():
                submission_assign(
                    submission=submission,
                    assignee=assign_form.cleaned_data["assignee"],
                    actor=user,
                )
                messages.success(request, _("已分派。"))
                return redirect("submissions:triage-detail", pk=submission.pk)
            if request.POST.get("action") == "reply" and reply_form.is_valid():
                submission_reply(
                    submission=submission,
                    reply=reply_form.cleaned_data["public_reply"],
                    status=reply_form.cleaned_data["status"],
                    actor=user,
                )
                messages.success(request, _("答复已保存。"))
                return redirect("submissions:triage-detail", pk=submission.pk)
        except SubmissionError as error:
            form = assign_form if request.POST.get("action") == "assign" else reply_form
            form.add_error(None, str(error))
    return render(
        request,
        "publicity/submissions/triage_detail.html",
        {
            "submission": submission,
            "assign_form": assign_form,
            "reply_form": reply_form,
            "can_see_identity": user.has_perm("publicity.view_submitter_identity"),
            "history": submission_history(submission=submission),
        },
    )
