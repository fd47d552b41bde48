"""Staff pages of the units' replies (单位回应): the moderation queue, a reply with its
decision form, its attachment. Thin: the scope and rights from
``rectification.permissions.reply_for_user``, a form, a service, a redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.pages import page_of, staff_view
from rectification import forms, selectors
from rectification.permissions import reply_for_user
from rectification.personal_data import personal_data_listed, personal_data_marked
from rectification.replies import ReplyError, reply_personal_data, reply_publish, reply_refuse

PAGE_SIZE = 25
MODERATE = "rectification.moderate_reply"


@staff_view(MODERATE)
@require_GET
def reply_list(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.replies_pending(user=request.user), PAGE_SIZE)
    return render(request, "rectification/reply_list.html", {"page_obj": page})


@staff_view(MODERATE)
@require_http_methods(["GET", "POST"])
def reply_detail(request: HttpRequest, reply_id: int) -> HttpResponseBase:
    reply, rights = reply_for_user(request.user, reply_id, selectors.reply_detail_queryset())
    # What looks like personal data in the unit's words, and in the text to publish as posted.
    found = reply_personal_data(reply, reply.text)
    posted = request.POST.get("published_text", "").strip()
    ask = bool(found or (posted and reply_personal_data(reply, posted)))
    form = forms.ReplyModerationForm(request.POST or None, ask_confirmation=ask, record=reply)
    if request.method == "POST":
        if not (rights.publish.shown or rights.refuse.shown):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == form.PUBLISH:
                    reply_publish(
                        reply=reply,
                        actor=request.user,  # type: ignore[arg-type]
                        published_text=data["published_text"],
                        personal_data_confirmed=data.get("personal_data_confirmed", False),
                    )
                    messages.success(request, _("回应已公开。"))
                else:
                    reply_refuse(
                        reply=reply,
                        actor=request.user,  # type: ignore[arg-type]
                        reason=data["reason"],
                    )
                    messages.success(request, _("已决定不予公开，单位会看到理由。"))
            except ReplyError as error:
                form.add_error(None, str(error))
            else:
                return redirect("rectification:reply-list")
    elif rights.publish.allowed:
        form = forms.ReplyModerationForm(
            initial={"published_text": reply.text}, ask_confirmation=ask
        )
    published_found = (
        reply_personal_data(reply, reply.published_text) if reply.published_text else []
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "rectification/reply_detail.html",
        {
            "reply": reply,
            "case": reply.case,
            "rights": rights,
            "form": form,
            "personal_data": personal_data_listed(found),
            "marked_text": personal_data_marked(reply.text, found),
            "published_personal_data": personal_data_listed(published_found),
            "marked_published_text": personal_data_marked(reply.published_text, published_found),
        },
        status=status,
    )


@staff_view(MODERATE)
@require_GET
def reply_attachment(request: HttpRequest, reply_id: int) -> FileResponse:
    reply, _rights = reply_for_user(request.user, reply_id)
    if not reply.attachment:
        raise Http404
    return FileResponse(
        reply.attachment.open("rb"),
        as_attachment=True,
        filename=reply.attachment_name,
        content_type=reply.attachment_type,
    )
