"""Entries: composing them in a draft batch, and their own workflow (ENTRY) after that.

Every entry status write goes through :func:`entry_transition` (or, for the daily end of
term over many entries at once, :func:`entry_transition_many`), which checks the ENTRY table
and writes the history row (``registry.AuditRecord``) in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.calendar import deadline_values
from core.pdf import PRINTED_TEXT_MAX_LENGTH
from core.workflow import SYSTEM, SYSTEM_ACTOR
from publicity.cache import public_cache_invalidate_on_commit
from publicity.enums import EntryStatus
from publicity.errors import PublicationError
from publicity.models import Batch, Entry
from publicity.term import entries_term_expired
from publicity.workflows import BATCH, ENTRY
from registry.authorities import authority_rules
from registry.enums import Disposition
from registry.history import (
    audit_record,
    audit_snapshot,
    history_record_many,
    history_record_transition,
)
from registry.models import AuditRecord, Department, Finding
from registry.selectors import district_of
from registry.validators import contact_cleaned


def entry_transition(
    *,
    entry: Entry,
    move: str,
    actor: User | None,
    comment: str = "",
    values: Mapping[str, Any] | None = None,
    today: datetime.date | None = None,
) -> Entry:
    """Make ``move`` on an entry if the ENTRY table allows it.

    A move the table gives to the system (listing on publication, withdrawal on an upheld
    objection or an approved erratum) is checked as the system's and recorded with ``actor``,
    the person whose own move caused it. Side effects: saves ``status`` and ``values`` with
    ``update_fields``; one history row in the same transaction.
    """
    values = dict(values or {})
    checker = SYSTEM_ACTOR if ENTRY.moves[move].by == (SYSTEM,) else actor
    done = ENTRY.apply(
        entry,
        move,
        checker,  # type: ignore[arg-type]
        today=today,
        values={**values, "reason": comment},
        fields=values,
    )
    history_record_transition(obj=entry, actor=actor, transition=done, comment=comment)
    return entry


@transaction.atomic
def entries_term_end(*, today: datetime.date) -> int:
    """End the listing of every entry whose term ran out before ``today`` (the daily move
    ``end_term``).

    One UPDATE and one INSERT of history rows whatever the number of entries; running it
    twice changes nothing the second time. Returns how many entries left the list.
    """
    ENTRY.check(Entry(status=EntryStatus.LISTED), "end_term", SYSTEM_ACTOR, today=today)
    removed = list(
        Entry.objects.raw(
            f"UPDATE {Entry._meta.db_table} SET status = %s, removed_on = %s, "  # noqa: S608 - our table; values are parameters
            "removal_reason = %s WHERE id IN (SELECT id FROM "
            f"{Entry._meta.db_table} WHERE status = %s AND listed_until < %s) RETURNING id",
            # No reason stored: a removal without one is the term's end (Entry.removal_shown).
            [EntryStatus.REMOVED, today, "", EntryStatus.LISTED, today],
        )
    )
    history_record_many(
        objs=removed,
        actor=None,
        move="end_term",
        field="status",
        old=EntryStatus.LISTED,
        new=EntryStatus.REMOVED,
    )
    if removed:
        public_cache_invalidate_on_commit()
    return len(removed)


@transaction.atomic
def entry_remove_early(*, entry: Entry, actor: User, reason: str, today: datetime.date) -> Entry:
    """An official ends an entry's listing early after verified rectification.

    Side effects: the entry's status, removal date and reason (the printed text stays).
    """
    entry = Entry.objects.select_for_update(of=("self",)).select_related("case").get(pk=entry.pk)
    entry_transition(
        entry=entry,
        move="remove_early",
        actor=actor,
        comment=reason.strip(),
        today=today,
        values={
            "removed_on": today,
            # The official's words only; the kind of removal is said when shown.
            "removal_reason": reason.strip(),
        },
    )
    public_cache_invalidate_on_commit()
    return entry


# --- Composing a draft batch ---------------------------------------------------------------------


def _draft_for(batch: Batch, actor: User) -> Batch:
    locked = Batch.objects.select_for_update().get(pk=batch.pk)
    BATCH.check(locked, "edit", actor)
    return locked


def _deadline_of(finding: Finding) -> dict[str, Any]:
    """The entry's deadline fields from its finding's: as proposed (already moved off a rest
    day, with the reason), or 30 days from today moved off a rest day if none was."""
    proposed = finding.deadline_info
    if proposed is None:
        return deadline_values(
            "rectification_deadline", timezone.localdate() + datetime.timedelta(days=30)
        )[1]
    return proposed.values("rectification_deadline")


def _printed_text_check(entry: Entry, *, merged: bool = False) -> None:
    """Refuse an entry the newspaper notice could not print within one page: a text longer
    than the forms allow (PRINTED_TEXT_MAX_LENGTH), or a row taller than a page holds with
    the signature under it (publicity.notice.notice_row_check). ``merged``: the text just
    took a further finding of the unit."""
    # reportlab is loaded by the printed documents only, not by every page that composes.
    from publicity.notice import notice_row_check

    length = len(entry.violation_text)
    if length > PRINTED_TEXT_MAX_LENGTH:
        if merged:
            message = _(
                "“%(unit)s”并入这项检查发现后，“违法违规行为及事故隐患”将有%(length)s字，"
                "超过报纸公告每格可印的%(limit)s字。请先精简该条目的文字，再并入。"
            )
        else:
            message = _(
                "“%(unit)s”的“违法违规行为及事故隐患”有%(length)s字，超过报纸公告每格可印的"
                "%(limit)s字，请精简。"
            )
        raise PublicationError(
            message % {"unit": entry.unit_name, "length": length, "limit": PRINTED_TEXT_MAX_LENGTH}
        )
    lines, limit = notice_row_check(entry)
    if lines > limit:
        raise PublicationError(
            _(
                "“%(unit)s”在报纸公告中要印%(lines)s行，超过一页可印的%(limit)s行，"
                "请精简“违法违规行为及事故隐患”或地址。"
            )
            % {"unit": entry.unit_name, "lines": lines, "limit": limit}
        )


# The printed columns: what composing edits and what the batch's history shows of an entry.
PRINTED_FIELDS = (
    "unit_name",
    "address",
    "violation_text",
    "category",
    "disposition",
    "rectification_deadline",
    "department",
    "responsible_person",
)


@dataclass(frozen=True)
class EntriesAdded:
    """What :func:`entry_add` did: the entries it created, and those of units already in the
    batch that took a further finding (one entry per unit per batch)."""

    created: list[Entry]
    attached: list[Entry]


def _taken_elsewhere(finding: Finding, batch: Batch) -> bool:
    """The finding stands in another batch's entry (as its principal or a further finding)
    that was not withdrawn on an objection."""
    return (
        Entry.objects.filter(Q(finding=finding) | Q(further_findings=finding))
        .exclude(status__in=[EntryStatus.WITHDRAWN_ON_OBJECTION])
        .exclude(batch=batch)
        .exists()
    )


@transaction.atomic
def entry_add(*, batch: Batch, findings: Iterable[Finding], actor: User) -> EntriesAdded:
    """Add findings to a draft batch: one entry per unit, prefilled from its first finding.

    The printed text starts as the enterprise's name, credit code and address and the finding's
    description; disposition and deadline start as proposed. The department and the
    responsible person must still be chosen before the batch can be submitted, so the
    entry starts without a responsible person and with the first department of the unit's
    district as a suggestion. A finding of a unit already in the batch joins that unit's
    entry as a further finding, its description added to the printed text.

    Side effects: a history row on the batch for each entry added and each finding attached.
    """
    batch = _draft_for(batch, actor)
    position = batch.entries.aggregate(top=Max("position"))["top"] or 0
    created: list[Entry] = []
    attached: list[Entry] = []
    for finding in findings:
        if not finding.proposed_for_publicity:
            raise PublicationError(_("该检查发现未建议公示曝光，不能加入批次。"))
        if batch.entries.filter(Q(finding=finding) | Q(further_findings=finding)).exists():
            continue
        if _taken_elsewhere(finding, batch):
            raise PublicationError(
                _("“%(unit)s”的这项检查发现已在另一批次中。")
                % {"unit": finding.inspection.enterprise.name}
            )
        enterprise = finding.inspection.enterprise
        place = finding.inspection.place
        authority = authority_rules(batch.authority_id)
        if not place.path.startswith(authority.path):
            # Each authority publishes what was found in its own area only, wherever the
            # unit is registered (the register is the province's).
            raise PublicationError(
                _("“%(unit)s”的这项检查发现不在%(authority)s的辖区，不能加入本批次。")
                % {"unit": enterprise.name, "authority": authority.display_name}
            )
        existing = batch.entries.filter(enterprise=enterprise).first()
        if existing is not None:
            _finding_attach(entry=existing, finding=finding, actor=actor)
            if existing not in attached:
                attached.append(existing)
            continue
        # The entry lies where its principal finding was found: the staff lists, the public
        # list's district and the case opened from it follow that place.
        district = district_of(place)
        department = (
            Department.objects.filter(jurisdiction=district).order_by("sort_order", "id").first()
            or Department.objects.filter(jurisdiction__path__startswith=authority.path)
            .order_by("sort_order", "id")
            .first()
        )
        if department is None:
            raise PublicationError(_("尚未设置任何主管部门，请管理员先添加主管部门。"))
        position += 1
        entry = Entry.objects.create(
            batch=batch,
            position=position,
            finding=finding,
            enterprise=enterprise,
            district=district,
            industry=enterprise.industry,
            unit_name=enterprise.name,
            credit_code=enterprise.credit_code or "",
            address=enterprise.address,
            violation_text=finding.description,
            category=finding.category,
            disposition=finding.proposed_disposition,
            **_deadline_of(finding),
            department=department,
            responsible_person="",
        )
        _printed_text_check(entry)
        _compose_record(
            batch=batch,
            entry=entry,
            actor=actor,
            comment=_("加入条目：%(entry)s") % {"entry": _entry_label(entry)},
            before={},
            after=audit_snapshot(entry, PRINTED_FIELDS),
        )
        created.append(entry)
    return EntriesAdded(created=created, attached=attached)


def _finding_attach(*, entry: Entry, finding: Finding, actor: User) -> None:
    """A further finding of the entry's unit: its description joins the printed text, and
    the entry takes on its terms where they are stricter (:func:`_stricter_terms`)."""
    before = audit_snapshot(entry, PRINTED_FIELDS)
    entry.further_findings.add(finding)
    entry.violation_text = f"{entry.violation_text}\n{finding.description}"
    stricter = _stricter_terms(entry, finding)
    _printed_text_check(entry, merged=True)
    entry.save(update_fields=["violation_text", *stricter])
    _compose_record(
        batch=entry.batch,
        entry=entry,
        actor=actor,
        comment=_("并入同一单位的检查发现：%(entry)s") % {"entry": _entry_label(entry)},
        before=before,
        after=audit_snapshot(entry, PRINTED_FIELDS),
    )


def _stricter_terms(entry: Entry, finding: Finding) -> list[str]:
    """Set on ``entry`` the terms of a further finding of its unit that are stricter than its
    own, and return the names of the fields set.

    The entry prints one measure, one reason and one deadline for all the unit's findings:

    - the most severe disposition (``Disposition.by_severity``), with the category of the
      finding that asked for it, so the printed reason is the one for the printed measure;
      an equally or less severe finding leaves both as they are;
    - the earliest deadline, the only one that meets every finding's (one case follows them
      all); a finding with none proposed counts with the deadline it would have alone
      (:func:`_deadline_of`), so the result does not depend on which finding came first.

    Never softer than the entry as it stands, a composer's edits included.
    """
    changed: list[str] = []
    proposed = finding.proposed_disposition
    if Disposition.most_severe([entry.disposition, proposed]) != entry.disposition:
        entry.disposition = proposed
        entry.category = finding.category
        changed += ["disposition", "category"]
    deadline = _deadline_of(finding)
    if deadline["rectification_deadline"] < entry.rectification_deadline:
        for name, value in deadline.items():
            setattr(entry, name, value)
        changed += list(deadline)
    return changed


def _entry_label(entry: Entry) -> str:
    return _("第%(position)s号“%(unit)s”") % {"position": entry.position, "unit": entry.unit_name}


def _compose_record(
    *,
    batch: Batch,
    entry: Entry,
    actor: User,
    comment: str,
    before: dict[str, str],
    after: dict[str, str],
) -> None:
    """The history row of one change to a draft's entries, filed under the batch (the BATCH
    table's move ``edit``), so it outlives an entry taken out again."""
    audit_record(
        actor=actor,
        obj=entry,
        filed_under=batch,
        action=AuditRecord.Action.CHANGED,
        move="edit",
        comment=comment,
        before=before,
        after=after,
    )


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    actor: User,
    unit_name: str,
    address: str,
    violation_text: str,
    category: str,
    disposition: str,
    rectification_deadline: datetime.date,
    department: Department,
    responsible_person: str,
    responsible_phone: str = "",
    responsible_email: str = "",
) -> Entry:
    """Edit an entry's printed text and follow-up while its batch is a draft, with the
    responsible person's phone and e-mail (not printed; carried to the case on publication,
    where the reminders read them).

    Side effects: a history row on the batch with the fields that changed, old and new.
    Returns the entry as saved; the caller's object is not changed.
    """
    batch = _draft_for(entry.batch, actor)
    # The entry as stored, never the caller's object: a model form bound to that object has
    # already written the new values on it, and the history row must show what they replace
    # (the deadline, too, is compared with the stored one to tell whether it changed).
    entry = Entry.objects.select_for_update(of=("self",)).get(pk=entry.pk, batch=batch)
    before = audit_snapshot(entry, PRINTED_FIELDS)
    values = {
        "unit_name": unit_name.strip(),
        "address": address.strip(),
        "violation_text": violation_text.strip(),
        "responsible_person": responsible_person.strip(),
    }
    for name, value in values.items():
        if not value:
            raise PublicationError(
                _("“%(field)s”不能为空。") % {"field": Entry._meta.get_field(name).verbose_name}  # type: ignore[union-attr]
            )
    for name, value in values.items():
        setattr(entry, name, value)
    entry.category = category
    entry.disposition = disposition
    # A changed deadline moves off a rest day; an unchanged one keeps how it was reckoned.
    deadline_fields: dict[str, object] = {}
    if rectification_deadline != entry.rectification_deadline:
        deadline_fields = deadline_values("rectification_deadline", rectification_deadline)[1]
    for name, moved_value in deadline_fields.items():
        setattr(entry, name, moved_value)
    entry.department = department
    try:
        phone, email = contact_cleaned(responsible_phone, responsible_email)
    except ValidationError as error:
        raise PublicationError(" ".join(error.messages)) from error
    entry.responsible_phone = phone
    entry.responsible_email = email
    _printed_text_check(entry)
    entry.save(
        update_fields=[*PRINTED_FIELDS, *deadline_fields, "responsible_phone", "responsible_email"]
    )
    _compose_record(
        batch=batch,
        entry=entry,
        actor=actor,
        comment=_("修改条目：%(entry)s") % {"entry": _entry_label(entry)},
        before=before,
        after=audit_snapshot(entry, PRINTED_FIELDS),
    )
    return entry


@transaction.atomic
def entry_remove(*, entry: Entry, actor: User) -> None:
    """Take an entry (with all its unit's findings) out of a draft batch; the entries after
    it move up one place.

    Side effects: a history row on the batch with what the entry held.
    """
    batch = _draft_for(entry.batch, actor)
    position = entry.position
    _compose_record(
        batch=batch,
        entry=entry,
        actor=actor,
        comment=_("移出条目：%(entry)s") % {"entry": _entry_label(entry)},
        before=audit_snapshot(entry, PRINTED_FIELDS),
        after=dict.fromkeys(PRINTED_FIELDS, ""),
    )
    entry.delete()
    # One row at a time, lowest first: each moves into the place just freed, so the unique
    # (batch, position) constraint holds after every statement.
    for later in batch.entries.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def entry_move(*, entry: Entry, up: bool, actor: User) -> None:
    """Swap an entry of a draft batch with its neighbour above (``up``) or below.

    Side effects: a history row on the batch with the entry's old and new place.
    """
    batch = _draft_for(entry.batch, actor)
    entries = batch.entries.order_by("position")
    neighbour = (
        entries.filter(position__lt=entry.position).last()
        if up
        else entries.filter(position__gt=entry.position).first()
    )
    if neighbour is None:
        return
    mine, theirs = entry.position, neighbour.position
    # Through a free place (0 is never used: positions start at 1) to keep positions unique.
    Entry.objects.filter(pk=entry.pk).update(position=0)
    Entry.objects.filter(pk=neighbour.pk).update(position=mine)
    Entry.objects.filter(pk=entry.pk).update(position=theirs)
    _compose_record(
        batch=batch,
        entry=entry,
        actor=actor,
        comment=_("调整顺序：“%(unit)s”") % {"unit": entry.unit_name},
        before={"position": str(mine)},
        after={"position": str(theirs)},
    )


__all__ = [
    "PRINTED_FIELDS",
    "EntriesAdded",
    "entries_term_end",
    "entries_term_expired",
    "entry_add",
    "entry_move",
    "entry_remove",
    "entry_remove_early",
    "entry_transition",
    "entry_update",
]
