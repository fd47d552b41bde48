"""Objections (异议): recorded during a batch's prior-notice period, decided by an official
other than the composer (the OBJECTION table); an upheld one takes the entry out."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.uploads import evidence_check
from publicity.models import Batch, Entry, Objection
from publicity.services.entries import entry_transition
from publicity.workflows import OBJECTION
from registry.history import history_record, history_record_transition


def objection_transition(
    *, objection: Objection, move: str, actor: User, reasons: str
) -> Objection:
    """Decide a locked objection (``uphold`` or ``reject``) if the OBJECTION table allows it.

    Side effects: the decision, decider, time and reasons; the history row; for ``uphold``
    the entry's move ``withdraw_on_objection`` (status, removal date and reason).
    """
    done = OBJECTION.apply(
        objection,
        move,
        actor,
        values={"reasons": reasons},
        fields={"decided_by": actor, "decided_at": timezone.now(), "reasons": reasons.strip()},
    )
    history_record_transition(
        obj=objection, actor=actor, transition=done, comment=objection.reasons
    )
    if move == "uphold":
        entry_transition(
            entry=Entry.objects.select_for_update().get(pk=objection.entry_id),
            move="withdraw_on_objection",
            actor=actor,
            comment=objection.reasons,
            values={"removed_on": timezone.localdate(), "removal_reason": objection.reasons},
        )
    return objection


@transaction.atomic
def objection_record(
    *,
    entry: Entry,
    actor: User,
    received_on: datetime.date,
    statement: str,
    evidence: UploadedFile | None = None,
) -> Objection:
    """Record a unit's objection, received during its batch's prior-notice period."""
    # The batch row is locked so finalising waits for an objection being recorded.
    entry.batch = Batch.objects.select_for_update().get(pk=entry.batch_id)
    rule = OBJECTION.check(
        entry, "record", actor, values={"received_on": received_on, "statement": statement}
    )
    objection = Objection(
        entry=entry, received_on=received_on, statement=statement.strip(), recorded_by=actor
    )
    if evidence is not None:
        checked = evidence_check(evidence)
        objection.evidence.save(checked.content.name or "evidence", checked.content, save=False)
    objection.save()
    history_record(
        obj=objection, actor=actor, move=rule.name, field="decision", old="", new=rule.target or ""
    )
    return objection


@transaction.atomic
def objection_decide(*, objection: Objection, actor: User, upheld: bool, reasons: str) -> Objection:
    """An official other than the composer decides; upheld takes the entry out of the batch."""
    objection = Objection.objects.select_for_update().select_related("entry").get(pk=objection.pk)
    objection.entry.batch = Batch.objects.select_for_update().get(pk=objection.entry.batch_id)
    return objection_transition(
        objection=objection, move="uphold" if upheld else "reject", actor=actor, reasons=reasons
    )
