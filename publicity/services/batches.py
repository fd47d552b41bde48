"""The batch workflow: one transition function, :func:`batch_transition`, checked against
``publicity.workflows.BATCH``; the named services set what their move needs and call it."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import deadline_after
from core.workflow import Actor
from publicity.cache import public_cache_invalidate_on_commit
from publicity.enums import EntryStatus
from publicity.errors import PublicationError
from publicity.models import Batch, BatchTransition, Entry
from publicity.services.entries import entry_transition
from publicity.services.outbox import publication_job_enqueue
from publicity.term import entry_listed_until
from publicity.workflows import BATCH
from rectification.services import case_open
from registry.authorities import AuthorityRules, authority_rules, deployment_authority
from registry.permissions import user_authority

# Numbering per authority and year takes this advisory lock (with the authority and the year)
# so two approvals at the same moment queue up instead of both reading the same highest number.
_BATCH_NUMBER_LOCK = 0x6E756D  # "num"


def batch_transition(
    *,
    batch: Batch,
    move: str,
    actor: User,
    comment: str = "",
    values: Mapping[str, Any] | None = None,
    today: datetime.date | None = None,
) -> BatchTransition:
    """Make ``move`` on a locked batch if the BATCH table allows it for ``actor`` now.

    The caller has locked the row (``select_for_update``). ``values`` are the fields the move
    sets besides the status (checked by the move's input guards first). Side effects: saves
    ``status`` and those fields with ``update_fields``; appends one ``BatchTransition`` row
    (who, when, comment) in the same transaction. The effects a move names in the table
    (numbering, jobs, cases) are the named services' below, made before this is called.
    """
    values = dict(values or {})
    done = BATCH.apply(
        batch, move, actor, today=today, values={**values, "comment": comment}, fields=values
    )
    return BatchTransition.objects.create(
        batch=batch, from_status=done.source, to_status=done.target, by=actor, comment=comment
    )


def batch_locked(batch: Batch) -> Batch:
    return Batch.objects.select_for_update().get(pk=batch.pk)


def batch_check(*, batch: Batch, move: str, actor: Actor) -> None:
    """Raise PublicationError unless ``actor`` may make ``move`` (or action) on the batch now."""
    BATCH.check(batch, move, actor)


@transaction.atomic
def batch_create(*, composer: User) -> Batch:
    """Start an empty draft batch of the composer's authority (``user_authority``)."""
    BATCH.check(Batch(), "create", composer)
    authority = user_authority(composer)
    if authority.pk is None:
        raise PublicationError(_("尚未设置公示机关，请管理员先在“公示机关”中添加本市。"))
    return Batch.objects.create(composed_by=composer, authority_id=authority.pk)


@transaction.atomic
def batch_submit(*, batch: Batch, actor: User, comment: str = "") -> Batch:
    """The composer sends the draft for approval. Refused if empty or an entry lacks follow-up."""
    batch = batch_locked(batch)
    batch_transition(
        batch=batch,
        move="submit",
        actor=actor,
        comment=comment,
        values={"submitted_at": timezone.now()},
    )
    return batch


@transaction.atomic
def batch_return(*, batch: Batch, actor: User, reason: str) -> Batch:
    """An official sends a submitted batch back to its composer, with the reason."""
    batch = batch_locked(batch)
    batch_transition(batch=batch, move="return", actor=actor, comment=reason)
    return batch


@transaction.atomic
def batch_reopen(*, batch: Batch, actor: User) -> Batch:
    """The composer takes a returned batch back as a draft to change it."""
    batch = batch_locked(batch)
    batch_transition(batch=batch, move="reopen", actor=actor)
    return batch


def _next_number(authority_id: int, year: int) -> int:
    # Held until the transaction ends: a concurrent approval of the same authority and year
    # waits here and then sees this one's number, so numbers have no gaps and no duplicates.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [_BATCH_NUMBER_LOCK, authority_id * 10000 + year],
        )
    top = Batch.objects.filter(authority_id=authority_id, year=year).aggregate(top=Max("number"))
    return (top["top"] or 0) + 1


def notice_period_end(
    approved_on: datetime.date, rules: AuthorityRules | None = None
) -> datetime.date:
    """The last day a unit may object after a batch approved on ``approved_on``: the
    authority's period (default 5 working days on the official calendar), its last day moved
    off a rest day (Civil Code art. 203). ``rules``: the batch's authority's, else the
    deployment's."""
    objection = (rules or deployment_authority()).objection_period
    return deadline_after(approved_on, objection.days, objection.unit).day


@transaction.atomic
def batch_approve(*, batch: Batch, actor: User, comment: str = "") -> Batch:
    """An official other than the composer approves: the batch gets its number and the prior
    notice period starts.

    Side effects: the authority's next number of the year (gapless, under a lock),
    ``approved_by``/``_at``, ``notice_period_ends`` (the authority's period), the history
    row, and a letters job in the outbox (built after commit by
    ``publicity.build_prior_notice_letters``).
    """
    batch = batch_locked(batch)
    BATCH.check(batch, "approve", actor)  # before the number is taken
    now = timezone.now()
    year = timezone.localdate(now).year
    batch_transition(
        batch=batch,
        move="approve",
        actor=actor,
        comment=comment,
        values={
            "year": year,
            "number": _next_number(batch.authority_id, year),
            "approved_by": actor,
            "approved_at": now,
            "notice_period_ends": notice_period_end(
                timezone.localdate(now), authority_rules(batch.authority_id)
            ),
        },
    )
    publication_job_enqueue(batch=batch, kind="letters")
    return batch


@transaction.atomic
def batch_finalise(*, batch: Batch, actor: User, today: datetime.date | None = None) -> Batch:
    """Close the notice period: only once it is over and every objection is decided.

    Side effects: ``finalised_at``; each entry that survived the objections gets its printed
    number (序号: 1, 2, 3 in position order; the notice, the public pages, the exports and
    the API all show this one); the history row, and a notice job in the outbox (the
    newspaper notice is built after commit by ``publicity.build_notice``).
    """
    batch = batch_locked(batch)
    batch_transition(
        batch=batch,
        move="finalise",
        actor=actor,
        today=today,
        values={"finalised_at": timezone.now()},
    )
    printed = list(batch.entries.filter(status=EntryStatus.PLANNED).order_by("position"))
    for number, entry in enumerate(printed, start=1):
        entry.printed_number = number
    Entry.objects.bulk_update(printed, ["printed_number"])
    publication_job_enqueue(batch=batch, kind="notice")
    return batch


@transaction.atomic
def batch_publish(
    *,
    batch: Batch,
    actor: User,
    published_on: datetime.date,
    outlet: str,
    with_term: bool = True,
) -> Batch:
    """Publish on the day the newspaper prints the notice: open one case per remaining entry.

    Side effects: for every planned entry a rectification case (``case_open``, with the
    responsible person's contact captured on the entry), and the entry
    becomes listed with its case, publication date and end of the publicity term; then the
    batch's date, outlet and status, and the history row. The entries are written before the
    batch turns published, because from then on the database refuses changes to them.

    ``with_term=False`` records a batch published before the register kept terms (the demo
    city's 2008–2010): its entries get no end of term (``publicity.term``).
    """
    batch = batch_locked(batch)
    values = {"published_on": published_on, "outlet": outlet.strip()}
    BATCH.check(batch, "publish", actor, values=values)
    rules = authority_rules(batch.authority_id)
    listed_until = entry_listed_until(published_on, rules) if with_term else None
    entries = (
        batch.entries.filter(status=EntryStatus.PLANNED)
        .select_related("enterprise", "finding__inspection__place", "department")
        .prefetch_related("further_findings")
    )
    for entry in entries.order_by("position"):
        case = case_open(
            enterprise=entry.enterprise,
            place=entry.finding.inspection.place,
            findings=entry.findings_in_order,
            disposition=entry.disposition,
            deadline=entry.deadline_info,
            department=entry.department,
            responsible_person=entry.responsible_person,
            responsible_phone=entry.responsible_phone,
            responsible_email=entry.responsible_email,
            opened_on=published_on,
            actor=actor,
        )
        entry_transition(
            entry=entry,
            move="list",
            actor=None,
            values={"case": case, "published_on": published_on, "listed_until": listed_until},
        )
    batch_transition(batch=batch, move="publish", actor=actor, values=values)
    public_cache_invalidate_on_commit()
    return batch
