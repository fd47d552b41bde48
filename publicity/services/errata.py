"""Errata (更正): a correction or withdrawal of one listed entry, approved by an official
other than its author (the ERRATUM table). The printed text never changes."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from publicity.cache import public_cache_invalidate_on_commit
from publicity.enums import ErratumKind
from publicity.models import Entry, Erratum
from publicity.services.entries import entry_transition
from publicity.workflows import ERRATUM
from rectification.models import Case
from rectification.services import case_cancel
from registry.history import history_record, history_record_transition


@transaction.atomic
def erratum_create(
    *, entry: Entry, actor: User, kind: str, reason: str, corrections: dict[str, str]
) -> Erratum:
    """Propose a correction or withdrawal of one listed entry; an official approves it."""
    entry = Entry.objects.select_for_update().select_related("district").get(pk=entry.pk)
    corrections = {k: v.strip() for k, v in corrections.items() if v and v.strip()}
    if kind == ErratumKind.WITHDRAW:
        corrections = {}
    rule = ERRATUM.check(
        entry,
        "create",
        actor,
        values={"kind": kind, "reason": reason, "corrections": corrections},
    )
    assert rule.target is not None  # noqa: S101 - "create" enters a state
    erratum = Erratum.objects.create(
        entry=entry,
        kind=kind,
        status=rule.target,
        corrections=corrections,
        reason=reason.strip(),
        author=actor,
    )
    history_record(
        obj=erratum, actor=actor, move=rule.name, field="status", old="", new=erratum.status
    )
    return erratum


def erratum_transition(*, erratum: Erratum, move: str, actor: User) -> Erratum:
    """Decide a locked erratum (``approve`` or ``reject``) if the ERRATUM table allows it.

    Approving a withdrawal makes the entry's move ``withdraw_by_erratum`` (status, removal
    date and reason — the columns the database still lets change) and cancels its case.
    The printed text is never touched: a correction is shown beside the entry.
    """
    approve = move == "approve"
    done = ERRATUM.apply(
        erratum,
        move,
        actor,
        fields={
            "approved_by": actor if approve else None,
            "approved_at": timezone.now() if approve else None,
        },
    )
    history_record_transition(obj=erratum, actor=actor, transition=done)
    if approve and erratum.kind == ErratumKind.WITHDRAW:
        entry = Entry.objects.select_for_update().get(pk=erratum.entry_id)
        entry_transition(
            entry=entry,
            move="withdraw_by_erratum",
            actor=actor,
            comment=erratum.reason,
            values={"removed_on": timezone.localdate(), "removal_reason": erratum.reason},
        )
        if entry.case_id is not None:
            case_cancel(case=Case.objects.get(pk=entry.case_id), actor=actor, reason=erratum.reason)
    if approve:
        # A correction is shown beside the entry, a withdrawal takes it off the list.
        public_cache_invalidate_on_commit()
    return erratum


@transaction.atomic
def erratum_decide(*, erratum: Erratum, actor: User, approve: bool) -> Erratum:
    """An official other than its author approves or rejects an erratum."""
    erratum = Erratum.objects.select_for_update().get(pk=erratum.pk)
    return erratum_transition(erratum=erratum, move="approve" if approve else "reject", actor=actor)
