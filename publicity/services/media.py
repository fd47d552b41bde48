"""Media reports (跟踪报道) on published batches."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from publicity.errors import PublicationError
from publicity.models import Batch, Entry, MediaReport
from publicity.workflows import BATCH


@transaction.atomic
def media_report_create(
    *,
    batch: Batch,
    actor: User,
    outlet: str,
    date: datetime.date,
    headline: str,
    url: str,
    entries: Iterable[Entry],
) -> MediaReport:
    """Record a follow-up report on a published batch, tied to some of its entries."""
    batch = Batch.objects.get(pk=batch.pk)
    BATCH.check(batch, "add_media_report", actor)
    entries = list(entries)
    if any(e.batch_id != batch.pk for e in entries):
        raise PublicationError(_("所选条目不属于该批次。"))
    report = MediaReport.objects.create(
        outlet=outlet.strip(), date=date, headline=headline.strip(), url=url.strip(), batch=batch
    )
    report.entries.set(entries)
    return report
