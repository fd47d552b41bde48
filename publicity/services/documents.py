"""The documents of a batch, built by jobs, never in a web request: the prior-notice letters,
the newspaper notice (in the configured paper size, whose SHA-256 is kept, and the other
size for download), and the reviewers' preview watermarked 草稿.

Every builder is safe to run twice: the same batch always yields the same bytes, a file of a
killed run is replaced under the same name.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import job_send
from publicity.enums import BatchStatus, EntryStatus
from publicity.errors import PublicationError
from publicity.models import Batch, PriorNoticeLetter, PublicationJob

OTHER_SIZE = {"A4": "A3", "A3": "A4"}


def _store(name: str, data: bytes) -> str:
    """Write ``data`` under exactly ``name``, replacing a file left by an earlier run."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


@transaction.atomic
def letters_build(*, job: PublicationJob) -> int:
    """Build the prior-notice letter of every planned entry that has none; finish the job.

    Safe to run twice: a letter already built is left alone, a half-written file of a killed
    run is replaced under the same name.
    """
    from publicity.notice import build_letter_pdf

    job = PublicationJob.objects.select_for_update().get(pk=job.pk)
    if job.finished_at is not None:
        return 0
    batch = Batch.objects.get(pk=job.batch_id)
    built = 0
    entries = (
        batch.entries.filter(letter__isnull=True)
        .select_related("batch", "district", "department", "finding")
        .prefetch_related("finding__provisions", "further_findings__provisions")
        .order_by("position")
    )
    for entry in entries:
        data = build_letter_pdf(entry)
        letter = PriorNoticeLetter(entry=entry, sha256=hashlib.sha256(data).hexdigest())
        letter.file.name = _store(letter.file.field.generate_filename(letter, "letter.pdf"), data)
        letter.save()
        built += 1
    job.finished_at = timezone.now()
    job.save(update_fields=["finished_at"])
    return built


def notice_other_size_name(batch: Batch) -> str:
    """The notice in the other paper size: a download copy, kept apart from the stored notice
    (the one whose SHA-256 is published)."""
    size = OTHER_SIZE[settings.NOTICE_PAGE_SIZE]
    return f"notices/other-size/batch-{batch.pk}/notice-{batch.year}-{batch.number}-{size}.pdf"


@transaction.atomic
def notice_build(*, batch: Batch) -> str:
    """Build the newspaper notice of a finalised or published batch, store it and its SHA-256,
    and the same notice in the other paper size for download.

    Idempotent: the same batch always yields the same bytes; when the stored hash matches
    and the file is there, nothing is written.
    """
    from publicity.notice import build_notice_pdf

    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in (BatchStatus.FINALISED, BatchStatus.PUBLISHED):
        raise PublicationError(_("只有已定稿的批次才能生成公告。"))
    data = build_notice_pdf(batch, pagesize=settings.NOTICE_PAGE_SIZE)
    digest = hashlib.sha256(data).hexdigest()
    other = notice_other_size_name(batch)
    if not default_storage.exists(other):
        _store(other, build_notice_pdf(batch, pagesize=OTHER_SIZE[settings.NOTICE_PAGE_SIZE]))
    if batch.notice_sha256:
        if batch.notice_sha256 != digest:
            raise PublicationError(_("公告已生成，内容不能改变。"))
        if batch.notice_pdf.name and default_storage.exists(batch.notice_pdf.name):
            return digest
    name = f"notices/batch-{batch.pk}/notice-{batch.year}-{batch.number}.pdf"
    batch.notice_pdf.name = _store(name, data)
    batch.notice_sha256 = digest
    batch.save(update_fields=["notice_pdf", "notice_sha256"])
    return digest


@transaction.atomic
def notice_job_run(*, job: PublicationJob) -> str:
    job = PublicationJob.objects.select_for_update().get(pk=job.pk)
    digest = notice_build(batch=job.batch)
    if job.finished_at is None:
        job.finished_at = timezone.now()
        job.save(update_fields=["finished_at"])
    return digest


# --- The reviewers' preview -------------------------------------------------------------------


def preview_name(batch: Batch) -> str:
    """Where the preview of the batch as it stands now is stored: named by a digest of what
    it prints, so any change to an entry or the batch names a new file."""
    rows = list(
        batch.entries.filter(status=EntryStatus.PLANNED)
        .order_by("position")
        .values_list(
            "position",
            "unit_name",
            "credit_code",
            "address",
            "district__name",
            "violation_text",
            "category",
            "disposition",
            "rectification_deadline",
            "department__name",
            "responsible_person",
        )
    )
    state = [batch.pk, batch.year, batch.number, settings.NOTICE_PAGE_SIZE, rows]
    digest = hashlib.sha256(json.dumps(state, default=str).encode()).hexdigest()[:24]
    return f"previews/batch-{batch.pk}/preview-{digest}.pdf"


def preview_ready(*, batch: Batch) -> str | None:
    """The stored preview of the batch as it stands, or None (then ask for it)."""
    name = preview_name(batch)
    return name if default_storage.exists(name) else None


def preview_request(*, batch: Batch) -> bool:
    """Ask a worker to build the preview (``publicity.build_preview``); False if the broker
    cannot be reached (the page says so and the person may try again)."""
    return job_send("publicity.build_preview", batch_id=batch.pk)


def preview_build(*, batch_id: int) -> str | None:
    """Build and store the preview of a batch not yet finalised; the stored name, or None
    for a batch that is gone or already finalised (its notice is the document then)."""
    from publicity.notice import build_notice_pdf

    batch = Batch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in (BatchStatus.FINALISED, BatchStatus.PUBLISHED):
        return None
    name = preview_name(batch)
    if not default_storage.exists(name):
        _store(name, build_notice_pdf(batch, draft=True))
    return name
