"""Writes of the registry: enterprises, inspections with their findings and evidence,
accidents, and the audit rows that record each of them.

Every service is keyword-only and atomic; each create or change writes its AuditRecord in the
same transaction, so no change lands without its history. Jurisdiction is checked here too:
a district inspector cannot write outside their district whatever view calls the service.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import rows_insert, rows_update
from core.calendar import deadline_values
from core.uploads import CheckedFile
from registry.data import (
    AccidentData,
    EnterpriseData,
    FindingData,
    InspectionData,
    finding_deadline_problem,
)
from registry.errors import RegistryError
from registry.history import (
    audit_changes,
    audit_record,
    audit_records_insert,
    audit_snapshot,
    audit_snapshotter,
)
from registry.models import (
    Accident,
    AuditRecord,
    Enterprise,
    Evidence,
    Finding,
    Inspection,
    Jurisdiction,
    PendingUpload,
)
from registry.permissions import in_user_scope, inspection_place_problem

# --- Enterprises ---------------------------------------------------------------------------

ENTERPRISE_FIELDS = [
    "name",
    "credit_code",
    "legal_representative",
    "address",
    "jurisdiction",
    "industry",
    "licence_status",
    "operating_status",
]


def _enterprise_write_problem(
    *, actor: User, data: EnterpriseData, clash: Enterprise | None
) -> str | None:
    """Why a unit may not be written with ``data`` (``clash``: another unit already holding
    its credit code), or None. One copy of the rules for the single and the bulk writes."""
    if not in_user_scope(data.jurisdiction, actor):
        return _("“%(place)s”不在您的辖区内，不能在那里登记或修改单位。") % {
            "place": data.jurisdiction.display_name
        }
    if data.credit_code and clash is not None:
        return _(
            "统一社会信用代码 %(code)s 已登记为“%(name)s”（%(place)s），请打开该单位修改。"
        ) % {
            "code": data.credit_code,
            "name": clash.name,
            "place": clash.jurisdiction.display_name,
        }
    return None


def _check_enterprise_write(
    *, actor: User, data: EnterpriseData, enterprise: Enterprise | None
) -> None:
    clash = None
    if data.credit_code and in_user_scope(data.jurisdiction, actor):
        others = Enterprise.objects.filter(credit_code=data.credit_code)
        if enterprise is not None:
            others = others.exclude(pk=enterprise.pk)
        clash = others.select_related("jurisdiction").first()
    problem = _enterprise_write_problem(actor=actor, data=data, clash=clash)
    if problem is not None:
        raise RegistryError(problem)


@transaction.atomic
def enterprise_create(*, actor: User, data: EnterpriseData) -> Enterprise:
    """Register a unit. Side effects: the row and its "created" audit record."""
    _check_enterprise_write(actor=actor, data=data, enterprise=None)
    enterprise = Enterprise.objects.create(**data.__dict__)
    audit_record(
        actor=actor,
        obj=enterprise,
        action=AuditRecord.Action.CREATED,
        before=None,
        after=audit_snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, data: EnterpriseData) -> Enterprise:
    """Change a unit. Side effects: the row and an audit record of the fields that moved."""
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if not in_user_scope(enterprise.jurisdiction, actor):
        raise RegistryError(_("该单位不在您的辖区内，不能修改。"))
    _check_enterprise_write(actor=actor, data=data, enterprise=enterprise)
    before = audit_snapshot(enterprise, ENTERPRISE_FIELDS)
    for name, value in data.__dict__.items():
        setattr(enterprise, name, value)
    enterprise.save(update_fields=[*ENTERPRISE_FIELDS, "updated_at"])
    audit_record(
        actor=actor,
        obj=enterprise,
        action=AuditRecord.Action.CHANGED,
        before=before,
        after=audit_snapshot(enterprise, ENTERPRISE_FIELDS),
    )
    return enterprise


@dataclass(frozen=True)
class EnterpriseWrite:
    """One unit of a bulk write: new (``enterprise_id`` None) or an update of that unit."""

    data: EnterpriseData
    enterprise_id: int | None


class EnterpriseWriteRefused(RegistryError):
    """A write of ``enterprises_write_many`` was refused; ``index`` is its place in the list."""

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


# The fields enterprises_write_many writes (besides the timestamps), by attname.
_WRITTEN_FIELDS = [
    "name",
    "credit_code",
    "legal_representative",
    "address",
    "jurisdiction_id",
    "industry_id",
    "licence_status",
    "operating_status",
]


# What enterprises_write_many reads of a unit it updates.
_LOCKED_FIELDS = ["pk", *ENTERPRISE_FIELDS]


@transaction.atomic
def enterprises_write_many(*, actor: User, writes: Sequence[EnterpriseWrite]) -> tuple[int, int]:
    """Create and update many units at once (the bulk import, a chunk at a time): the same
    checks and messages as ``enterprise_create`` / ``enterprise_update``, applied in order as
    if one by one, in a fixed number of queries whatever the number of writes.

    Side effects: the units created or changed (the updated ones locked first), a "created"
    audit record per new unit and a "changed" one per update that moved a field, all in the
    caller's transaction. Refuses with ``EnterpriseWriteRefused`` (the first refused write's
    index) before writing anything. Returns (created, updated).
    """
    ids = sorted({w.enterprise_id for w in writes if w.enterprise_id is not None})
    # Locked in id order (no deadlock with another writer), with only what the checks, the
    # audit record and the UPDATE read: the generated search columns are neither read nor
    # written here (the database keeps them), and thousands of rows are built a chunk.
    locked = {
        unit.pk: unit
        for unit in Enterprise.objects.select_for_update(of=("self",))
        .select_related("jurisdiction", "industry")
        .only(
            *_LOCKED_FIELDS,
            "jurisdiction__name",
            "jurisdiction__name_en",
            "jurisdiction__path",
            "industry__name",
            "industry__name_en",
        )
        .filter(pk__in=ids)
        .order_by("pk")
    }
    # The names as stored, to tell the units renamed from those whose name stays.
    stored_names = {pk: unit.name for pk, unit in locked.items()}
    codes = {w.data.credit_code for w in writes if w.data.credit_code}
    # Who holds each code now; kept up to date as the writes below are taken in order, so a
    # code given twice in one call clashes as it would one by one. The units locked above are
    # not read twice; another holder's place is read only for the message of a clash (one
    # query, and the call is refused).
    holders: dict[str, Enterprise] = {
        unit.credit_code: unit for unit in locked.values() if unit.credit_code in codes
    }
    for other in (
        Enterprise.objects.only("pk", "name", "credit_code", "jurisdiction")
        .filter(credit_code__in=codes)
        .exclude(pk__in=ids)
    ):
        holders[other.credit_code or ""] = other
    created: list[tuple[Enterprise, dict[str, str]]] = []
    changed: dict[int, Enterprise] = {}
    # The history rows, in order: (unit's id, action, changes).
    records: list[tuple[int, str, dict[str, Any]]] = []
    now = timezone.now()
    snapshot = audit_snapshotter(Enterprise, ENTERPRISE_FIELDS)
    for index, write in enumerate(writes):
        data = write.data
        unit = None
        if write.enterprise_id is not None:
            unit = locked.get(write.enterprise_id)
            if unit is None:
                raise EnterpriseWriteRefused(index, _("要更新的单位已被删除。"))
            if not in_user_scope(unit.jurisdiction, actor):
                raise EnterpriseWriteRefused(index, _("该单位不在您的辖区内，不能修改。"))
        holder = holders.get(data.credit_code or "")
        clash = holder if holder is not None and (unit is None or holder.pk != unit.pk) else None
        problem = _enterprise_write_problem(actor=actor, data=data, clash=clash)
        if problem is not None:
            raise EnterpriseWriteRefused(index, problem)
        if unit is None:
            unit = Enterprise(**data.__dict__)
            created.append((unit, snapshot(unit)))
        else:
            before = snapshot(unit)
            held = holders.get(unit.credit_code or "")
            if held is not None and held.pk == unit.pk:
                del holders[unit.credit_code or ""]
            for name, value in data.__dict__.items():
                setattr(unit, name, value)
            unit.updated_at = now
            changed[unit.pk] = unit
            changes = audit_changes(obj=unit, before=before, after=snapshot(unit))
            if changes is not None:
                records.append((unit.pk, AuditRecord.Action.CHANGED, changes))
        if data.credit_code:
            holders[data.credit_code] = unit
    if created:
        _enterprises_insert([unit for unit, _after in created])
        for unit, after in created:
            changes = audit_changes(obj=unit, before=None, after=after)
            if changes is not None:
                records.append((unit.pk, AuditRecord.Action.CREATED, changes))
    if changed:
        # An UPDATE that sets the name makes the database recompute the search columns made
        # from it (name_bigrams, name_key) on every row it writes, moved or not, which more than
        # doubles its cost: the units whose name stays are written without it.
        for renamed in (True, False):
            fields = [name for name in _WRITTEN_FIELDS if renamed or name != "name"]
            rows_update(
                Enterprise,
                [
                    {"id": unit.pk, **{name: getattr(unit, name) for name in fields}}
                    for unit in changed.values()
                    if (unit.name != stored_names[unit.pk]) == renamed
                ],
                same={"updated_at": now},
            )
    audit_records_insert(model=Enterprise, actor=actor, records=records)
    return len(created), sum(1 for w in writes if w.enterprise_id is not None)


def _enterprises_insert(units: list[Enterprise]) -> None:
    updated_at = timezone.now()  # auto_now, as bulk_create would set it
    ids = rows_insert(
        Enterprise,
        [
            {
                **{name: getattr(unit, name) for name in _WRITTEN_FIELDS},
                "created_at": unit.created_at,
            }
            for unit in units
        ],
        same={"updated_at": updated_at},
        returning="id",
    )
    for unit, pk in zip(units, ids, strict=True):
        unit.pk = pk
        unit.updated_at = updated_at
        unit._state.adding = False
        unit._state.db = connection.alias


# --- Evidence staged on forms with errors ------------------------------------------------------


@transaction.atomic
def pending_upload_create(*, owner: User, checked: CheckedFile) -> PendingUpload:
    """Keep a checked file chosen on a form that has to be shown again."""
    return PendingUpload.objects.create(
        owner=owner,
        file=checked.content,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )


@transaction.atomic
def pending_upload_discard(*, owner: User, uploads: Iterable[PendingUpload]) -> None:
    """Drop staged files the person removed from the form (only their own)."""
    for upload in uploads:
        if upload.owner_id != owner.pk:
            raise RegistryError(_("只能移除自己上传的文件。"))
        upload.file.delete(save=False)
        upload.delete()


def pending_uploads_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete staged files of forms never saved, older than PENDING_UPLOAD_MAX_AGE_HOURS.

    Safe to run twice: each row goes with its file; returns how many went.
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(
        hours=settings.PENDING_UPLOAD_MAX_AGE_HOURS
    )
    purged = 0
    for upload in PendingUpload.objects.filter(created_at__lt=cutoff).order_by("id").iterator():
        with transaction.atomic():
            upload.file.delete(save=False)
            upload.delete()
        purged += 1
    return purged


def _evidence_from_pending(*, finding: Finding, upload: PendingUpload, actor: User) -> Evidence:
    if upload.owner_id != actor.pk:
        raise RegistryError(_("只能使用自己上传的文件。"))
    with upload.file.open("rb") as source:
        content = source.read()
    evidence = Evidence.objects.create(
        finding=finding,
        file=ContentFile(content, name=os.path.basename(upload.file.name or "evidence")),
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=actor,
    )
    # The staged copy is removed once the evidence row exists; if the transaction rolls back
    # the staged row survives (the file is deleted only after commit).
    name = upload.file.name or ""
    storage = upload.file.storage
    upload.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return evidence


# --- Inspections and findings --------------------------------------------------------------

INSPECTION_FIELDS = ["date", "place", "inspectors", "kind", "campaign_basis", "campaign", "notes"]
FINDING_FIELDS = [
    "category",
    "description",
    "provisions",
    "is_major_hazard",
    "proposed_disposition",
    "proposed_deadline",
    "proposed_for_publicity",
]


def finding_default_deadline(*, disposition: str, inspected_on: datetime.date) -> datetime.date:
    """The rectification deadline proposed when the inspector gives none (FINDING_DEADLINE_DAYS)."""
    days = settings.FINDING_DEADLINE_DAYS.get(disposition)
    if days is None:
        raise RegistryError(_("没有为该处理措施配置默认整改期限，请填写整改期限。"))
    return inspected_on + datetime.timedelta(days=days)


def _write_finding(
    *, actor: User, inspection: Inspection, data: FindingData
) -> tuple[Finding, bool]:
    problem = finding_deadline_problem(
        deadline=data.proposed_deadline, inspected_on=inspection.date
    )
    if problem:
        raise RegistryError(problem)
    reckoned = data.proposed_deadline or finding_default_deadline(
        disposition=data.proposed_disposition, inspected_on=inspection.date
    )
    if data.finding is not None and reckoned == data.finding.proposed_deadline:
        # Unchanged on an edit: it was moved off a rest day (or not) when first saved.
        deadline_fields: dict[str, object] = {}
    else:
        deadline_fields = deadline_values("proposed_deadline", reckoned)[1]
    values = {
        "category": data.category,
        "description": data.description,
        "is_major_hazard": data.is_major_hazard,
        "proposed_disposition": data.proposed_disposition,
        **deadline_fields,
        "proposed_for_publicity": data.proposed_for_publicity,
    }
    if data.finding is None:
        finding = Finding.objects.create(inspection=inspection, **values)
        finding.provisions.set(data.provisions)
        after = audit_snapshot(finding, FINDING_FIELDS)
        before: dict[str, str] | None = None
        action = AuditRecord.Action.CREATED
    else:
        finding = Finding.objects.select_for_update().get(pk=data.finding.pk)
        if finding.inspection_id != inspection.pk:
            raise RegistryError(_("该检查发现不属于这次检查。"))
        before = audit_snapshot(finding, FINDING_FIELDS)
        for name, value in values.items():
            setattr(finding, name, value)
        finding.save(update_fields=list(values))
        finding.provisions.set(data.provisions)
        after = audit_snapshot(finding, FINDING_FIELDS)
        action = AuditRecord.Action.CHANGED
    added = [
        _evidence_from_pending(finding=finding, upload=upload, actor=actor)
        for upload in data.evidence
    ]
    if added:
        # Evidence is part of what changed about the finding.
        after = {**after, "evidence": "、".join(item.original_name for item in added)}
        before = None if before is None else {**before, "evidence": ""}
    record = _audit_finding(actor=actor, finding=finding, action=action, before=before, after=after)
    return finding, record is not None


def _audit_finding(
    *,
    actor: User,
    finding: Finding,
    action: str,
    before: dict[str, str] | None,
    after: dict[str, str],
) -> AuditRecord | None:
    evidence_new = after.pop("evidence", None)
    if before is not None:
        before.pop("evidence", None)
    record = audit_record(actor=actor, obj=finding, action=action, before=before, after=after)
    if evidence_new:
        change = {"label": str(_("新增证据材料")), "old": "", "new": evidence_new}
        if record is None:
            record = AuditRecord.objects.create(
                content_type=ContentType.objects.get_for_model(finding),
                object_id=finding.pk,
                action=action,
                actor=actor,
                changes={"evidence": change},
            )
        else:
            record.changes["evidence"] = change
            record.save(update_fields=["changes"])
    return record


def _check_inspection(*, actor: User, place: Jurisdiction, data: InspectionData) -> None:
    # The unit may be registered anywhere in the province (one register, one row per credit
    # code); the inspection is the inspector's area's, where it took place.
    problem = inspection_place_problem(place=place, actor=actor)
    if problem is not None:
        raise RegistryError(problem)
    if data.date > timezone.localdate():
        raise RegistryError(_("检查日期不能晚于今天。"))
    if not data.inspectors:
        raise RegistryError(_("请至少选择一名执法人员。"))


@transaction.atomic
def inspection_create(
    *,
    actor: User,
    enterprise: Enterprise,
    data: InspectionData,
    findings: Sequence[FindingData],
) -> Inspection:
    """Record an inspection with its findings and their evidence.

    The inspection took place at ``data.place``, by default where its unit is registered;
    either way in the inspector's area.

    Side effects: the inspection, its findings (deadline defaulted by disposition when left
    empty), evidence moved from the staged uploads, and one audit record per row created.
    """
    place = data.place or enterprise.jurisdiction
    _check_inspection(actor=actor, place=place, data=data)
    if not findings:
        raise RegistryError(_("请至少填写一项检查发现。"))
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        place=place,
        date=data.date,
        kind=data.kind,
        campaign_basis=data.campaign_basis,
        campaign=data.campaign,
        notes=data.notes,
        created_by=actor,
    )
    inspection.inspectors.set(data.inspectors)
    audit_record(
        actor=actor,
        obj=inspection,
        action=AuditRecord.Action.CREATED,
        before=None,
        after=audit_snapshot(inspection, INSPECTION_FIELDS),
    )
    for finding_data in findings:
        _write_finding(actor=actor, inspection=inspection, data=finding_data)
    return inspection


@transaction.atomic
def inspection_update(
    *,
    actor: User,
    inspection: Inspection,
    data: InspectionData,
    findings: Sequence[FindingData],
) -> Inspection:
    """Change an inspection and its findings, and add findings or evidence.

    Findings are never deleted here (a finding may already stand in a batch); side effects
    are the changed rows and an audit record for each row whose fields moved. Its place
    (``data.place``; None keeps it) moves only while none of its findings stands in an
    entry: the entry and its case were placed by it.
    """
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    current = Jurisdiction.objects.get(pk=inspection.place_id)
    # Whoever edits it works where it took place (the selector that found it asks the same).
    if not in_user_scope(current, actor):
        raise RegistryError(_("该检查不在您的辖区内，不能修改。"))
    place = data.place or current
    _check_inspection(actor=actor, place=place, data=data)
    if place.pk != current.pk and inspection.findings.filter(in_entries__gt=0).exists():
        raise RegistryError(_("这次检查的发现已编入曝光批次，不能更改检查地点。"))
    before = audit_snapshot(inspection, INSPECTION_FIELDS)
    for name in ("date", "kind", "campaign_basis", "campaign", "notes"):
        setattr(inspection, name, getattr(data, name))
    inspection.place = place
    inspection.save(update_fields=["date", "place", "kind", "campaign_basis", "campaign", "notes"])
    inspection.inspectors.set(data.inspectors)
    audit_record(
        actor=actor,
        obj=inspection,
        action=AuditRecord.Action.CHANGED,
        before=before,
        after=audit_snapshot(inspection, INSPECTION_FIELDS),
    )
    for finding_data in findings:
        _write_finding(actor=actor, inspection=inspection, data=finding_data)
    return inspection


# --- Accidents -----------------------------------------------------------------------------

ACCIDENT_FIELDS = [
    "date",
    "jurisdiction",
    "enterprise",
    "kind",
    "deaths",
    "injuries",
    "direct_loss",
    "description",
]


def _check_accident(*, actor: User, data: AccidentData) -> None:
    if not in_user_scope(data.jurisdiction, actor):
        raise RegistryError(
            _("“%(place)s”不在您的辖区内，不能登记那里的事故。")
            % {"place": data.jurisdiction.display_name}
        )
    if data.enterprise is not None and not data.enterprise.jurisdiction.path.startswith(
        data.jurisdiction.path
    ):
        raise RegistryError(
            _("单位“%(name)s”不在%(place)s，请核对县区或单位。")
            % {"name": data.enterprise.name, "place": data.jurisdiction.display_name}
        )
    if data.date > timezone.localdate():
        raise RegistryError(_("事故发生日期不能晚于今天。"))


@transaction.atomic
def accident_create(*, actor: User, data: AccidentData) -> Accident:
    """Record an accident. Side effects: the row and its "created" audit record."""
    _check_accident(actor=actor, data=data)
    accident = Accident.objects.create(**data.__dict__)
    audit_record(
        actor=actor,
        obj=accident,
        action=AuditRecord.Action.CREATED,
        before=None,
        after=audit_snapshot(accident, ACCIDENT_FIELDS),
    )
    return accident


@transaction.atomic
def accident_update(*, actor: User, accident: Accident, data: AccidentData) -> Accident:
    """Change an accident. Side effects: the row and an audit record of the fields that moved."""
    accident = Accident.objects.select_for_update().get(pk=accident.pk)
    if not in_user_scope(accident.jurisdiction, actor):
        raise RegistryError(_("该事故不在您的辖区内，不能修改。"))
    _check_accident(actor=actor, data=data)
    before = audit_snapshot(accident, ACCIDENT_FIELDS)
    for name, value in data.__dict__.items():
        setattr(accident, name, value)
    accident.save(update_fields=ACCIDENT_FIELDS)
    audit_record(
        actor=actor,
        obj=accident,
        action=AuditRecord.Action.CHANGED,
        before=before,
        after=audit_snapshot(accident, ACCIDENT_FIELDS),
    )
    return accident


# The audited models and their fields, by model label (for the admin's audit).
AUDITED_FIELDS: dict[str, list[str]] = {
    Enterprise._meta.label_lower: ENTERPRISE_FIELDS,
    Inspection._meta.label_lower: INSPECTION_FIELDS,
    Finding._meta.label_lower: FINDING_FIELDS,
    Accident._meta.label_lower: ACCIDENT_FIELDS,
}
