"""The batches, composed and published through the publicity services on their historical days.

The inspector composes each batch (``batch_create``, ``entry_add``, ``entry_update``), submits
it; one of the two officials approves it (four eyes), finalises it after the notice period,
and publishes it on the day the paper printed it (``batch_publish``), which opens each
entry's rectification case. The notice job the finalisation leaves in the outbox is run at
once, as the worker would have run it, because publishing needs the notice.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from demo import tables
from demo.base import DemoBase
from demo.tables import BatchSpec
from demo.units import Exposure, Rows
from publicity.models import Batch, Entry, PublicationJob
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entry_add,
    entry_update,
    notice_job_run,
)

_DAY = datetime.timedelta(days=1)


class PublishingMixin(DemoBase):
    def publish_batches(
        self, rows: Rows, specs: Sequence[BatchSpec] = tables.BATCHES
    ) -> list[tuple[Batch, list[tuple[Entry, Exposure]]]]:
        """Every batch through its workflow; the batches with their entries and plans."""
        inspector = self.users[self.INSPECTOR]
        published = []
        for index, (spec, exposures) in enumerate(zip(specs, rows.exposures, strict=True)):
            # The officials take turns approving; none composes (four eyes).
            official = self.users[self.APPROVERS[index % len(self.APPROVERS)]]
            day = spec.published_on
            with self.on(day - 24 * _DAY, 9):
                batch = batch_create(composer=inspector)
                entries = entry_add(
                    batch=batch, findings=[e.finding for e in exposures], actor=inspector
                ).created
                for entry, exposure in zip(entries, exposures, strict=True):
                    entry_update(
                        entry=entry,
                        actor=inspector,
                        unit_name=entry.unit_name,
                        address=entry.address,
                        violation_text=entry.violation_text,
                        category=entry.category,
                        disposition=entry.disposition,
                        rectification_deadline=entry.rectification_deadline,
                        department=exposure.department,
                        responsible_person=exposure.responsible_person,
                        responsible_phone=exposure.responsible_phone,
                        responsible_email=exposure.responsible_email,
                    )
            with self.on(day - 18 * _DAY, 15):
                batch_submit(batch=batch, actor=inspector)
            with self.on(day - 14 * _DAY, 10):
                batch_approve(batch=batch, actor=official)
            with self.on(day - 3 * _DAY, 16):
                batch_finalise(batch=batch, actor=official)
                notice_job_run(
                    job=PublicationJob.objects.get(batch=batch, kind=PublicationJob.Kind.NOTICE)
                )
            with self.on(day, 8):
                # Published before the register kept terms: the demo shows them as listed.
                batch_publish(
                    batch=batch,
                    actor=official,
                    published_on=day,
                    outlet=spec.outlet,
                    with_term=False,
                )
            listed = list(
                batch.entries.select_related("case__department", "department").order_by("position")
            )
            batch.refresh_from_db()
            published.append((batch, list(zip(listed, exposures, strict=True))))
        return published
