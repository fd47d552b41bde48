"""A batch's documents: the reviewers' preview (built by a job), the notice, the letters."""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_safe

from core.pages import staff_view
from publicity import services
from publicity.permissions import (
    batch_for_user,
    entry_for_user,
)
from publicity.services.documents import OTHER_SIZE, notice_other_size_name
from publicity.views.common import acting_user

# --- Documents ----------------------------------------------------------------------------------


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_view("publicity.view_batch")
def batch_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The review copy of the notice, watermarked 草稿, built by a job (never in the request):
    served when it is there; otherwise a page that asks for it and refreshes itself."""
    batch, rights = batch_for_user(acting_user(request), pk)
    if not rights.preview.shown:
        raise Http404
    name = services.preview_ready(batch=batch)
    if name is not None:
        with default_storage.open(name, "rb") as stored:
            return _pdf(stored.read(), f"preview-batch-{batch.pk}.pdf")
    requested = services.preview_request(batch=batch)
    return render(
        request,
        "publicity/staff/batch_preview_wait.html",
        {"batch": batch, "requested": requested},
        status=202,
    )


@require_safe
@staff_view("publicity.view_batch")
def batch_notice(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The notice as stored (its SHA-256 is shown beside the link), or the other paper size."""
    batch, rights = batch_for_user(acting_user(request), pk)
    if not rights.download_notice:
        raise Http404
    name = f"notice-{batch.year}-{batch.number}"
    size = request.GET.get("size", "")
    if size in OTHER_SIZE and size != settings.NOTICE_PAGE_SIZE:
        other = notice_other_size_name(batch)
        if not default_storage.exists(other):
            raise Http404
        with default_storage.open(other, "rb") as stored:
            return _pdf(stored.read(), f"{name}-{size}.pdf")
    return FileResponse(batch.notice_pdf.open("rb"), as_attachment=True, filename=f"{name}.pdf")


@require_safe
@staff_view("publicity.view_batch")
def entry_letter(request: HttpRequest, pk: int) -> HttpResponseBase:
    entry, rights = entry_for_user(acting_user(request), pk)
    letter = getattr(entry, "letter", None)
    if letter is None or not rights.letter:
        raise Http404
    return FileResponse(
        letter.file.open("rb"), as_attachment=True, filename=f"letter-{entry.pk}.pdf"
    )
