"""Writes of the publicity app. Every write goes through a service here.

The batch workflow has one transition function, :func:`batch_transition`, driven by
``ALLOWED``; the named services (``batch_submit``, ``batch_approve`` …) check the rules of
their move, then call it. Documents (prior-notice letters, the notice) are built by Celery
tasks from ``PublicationJob`` outbox rows written in the same transaction as the move.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import job_send
from core.uploads import evidence_check
from publicity.cache import SITE_COUNTS_CACHE_KEY, public_cache_invalidate_on_commit
from publicity.enums import (
    BatchStatus,
    EntryStatus,
    ErratumKind,
    ErratumStatus,
    ObjectionDecision,
)
from publicity.models import (
    Batch,
    BatchTransition,
    Entry,
    Erratum,
    MediaReport,
    Objection,
    PriorNoticeLetter,
    PublicationJob,
)
from publicity.selectors import SITE_COUNTS_TTL_SECONDS, site_counts_compute
from publicity.term import entry_listed_until
from rectification.models import Case
from rectification.services import case_cancel, case_open
from registry.models import Department, Finding, Jurisdiction

logger = logging.getLogger(__name__)


class PublicationError(Exception):
    """A publication rule refused the write; the message tells the person what to do."""


def site_counts_refresh() -> dict[str, int]:
    """Recompute the home page's headline figures and store them in the cache."""
    counts = site_counts_compute()
    cache.set(SITE_COUNTS_CACHE_KEY, counts, SITE_COUNTS_TTL_SECONDS)
    return counts


# --- The batch workflow -----------------------------------------------------------------------

ALLOWED: dict[str, set[str]] = {
    BatchStatus.DRAFT: {BatchStatus.SUBMITTED},
    BatchStatus.SUBMITTED: {BatchStatus.APPROVED, BatchStatus.RETURNED},
    BatchStatus.RETURNED: {BatchStatus.DRAFT},
    BatchStatus.APPROVED: {BatchStatus.FINALISED},
    BatchStatus.FINALISED: {BatchStatus.PUBLISHED},
    BatchStatus.PUBLISHED: set(),
}

# Moves that need a comment in the history (the reason given to the composer).
COMMENT_REQUIRED = {BatchStatus.RETURNED}

# Per-year numbering takes this advisory lock (with the year) so two approvals at the same
# moment queue up instead of both reading the same highest number.
_BATCH_NUMBER_LOCK = 0x6E756D  # "num"


def batch_transition(
    *, batch: Batch, to_status: str, actor: User, comment: str = "", fields: Iterable[str] = ()
) -> BatchTransition:
    """Move a locked batch to ``to_status`` if ``ALLOWED`` permits it.

    The caller has locked the row (``select_for_update``) and set any other fields the move
    needs, named in ``fields``. Side effects: saves ``status`` and ``fields`` with
    ``update_fields``; appends one ``BatchTransition`` row (who, when, comment) in the same
    transaction.
    """
    from_status = batch.status
    if to_status not in ALLOWED[from_status]:
        raise PublicationError(
            _("批次当前为“%(from)s”，不能改为“%(to)s”。")
            % {
                "from": BatchStatus(from_status).label,
                "to": BatchStatus(to_status).label,
            }
        )
    if to_status in COMMENT_REQUIRED and not comment.strip():
        raise PublicationError(_("请填写退回理由。"))
    batch.status = to_status
    batch.save(update_fields=["status", *fields])
    return BatchTransition.objects.create(
        batch=batch, from_status=from_status, to_status=to_status, by=actor, comment=comment
    )


def _locked(batch: Batch) -> Batch:
    return Batch.objects.select_for_update().get(pk=batch.pk)


@transaction.atomic
def batch_create(*, composer: User) -> Batch:
    """Start an empty draft batch."""
    batch = Batch.objects.create(composed_by=composer)
    return batch


def _require_draft(batch: Batch) -> None:
    if batch.status != BatchStatus.DRAFT:
        raise PublicationError(
            _("只有草稿状态的批次可以修改；该批次当前为“%(status)s”。")
            % {"status": BatchStatus(batch.status).label}
        )


def _district_of(jurisdiction: Jurisdiction) -> Jurisdiction:
    """The county/district (县区) a township or district belongs to: the path's second code."""
    codes = jurisdiction.path.strip("/").split("/")
    if len(codes) < 2:
        return jurisdiction
    return Jurisdiction.objects.get(code=codes[1])


@transaction.atomic
def entry_add(*, batch: Batch, findings: Iterable[Finding]) -> list[Entry]:
    """Add findings to a draft batch, each as an entry prefilled from the finding.

    The printed text starts as the enterprise's name and address and the finding's
    description; disposition and deadline start as proposed. The department and the
    responsible person must still be chosen before the batch can be submitted, so the
    entry starts without a responsible person and with the first department of the unit's
    district as a suggestion.
    """
    batch = _locked(batch)
    _require_draft(batch)
    position = batch.entries.aggregate(top=Max("position"))["top"] or 0
    added = []
    for finding in findings:
        if not finding.proposed_for_publicity:
            raise PublicationError(_("该检查发现未建议公示曝光，不能加入批次。"))
        if batch.entries.filter(finding=finding).exists():
            continue
        if (
            Entry.objects.filter(finding=finding)
            .exclude(status__in=[EntryStatus.WITHDRAWN_ON_OBJECTION])
            .exclude(batch=batch)
            .exists()
        ):
            raise PublicationError(
                _("“%(unit)s”的这项检查发现已在另一批次中。")
                % {"unit": finding.inspection.enterprise.name}
            )
        enterprise = finding.inspection.enterprise
        district = _district_of(enterprise.jurisdiction)
        department = (
            Department.objects.filter(jurisdiction=district).order_by("sort_order", "id").first()
            or Department.objects.order_by("sort_order", "id").first()
        )
        if department is None:
            raise PublicationError(_("尚未设置任何主管部门，请管理员先添加主管部门。"))
        position += 1
        added.append(
            Entry.objects.create(
                batch=batch,
                position=position,
                finding=finding,
                enterprise=enterprise,
                district=district,
                industry=enterprise.industry,
                unit_name=enterprise.name,
                address=enterprise.address,
                violation_text=finding.description,
                category=finding.category,
                disposition=finding.proposed_disposition,
                rectification_deadline=finding.proposed_deadline
                or timezone.localdate() + datetime.timedelta(days=30),
                department=department,
                responsible_person="",
            )
        )
    return added


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


@transaction.atomic
def entry_update(
    *,
    entry: Entry,
    unit_name: str,
    address: str,
    violation_text: str,
    category: str,
    disposition: str,
    rectification_deadline: datetime.date,
    department: Department,
    responsible_person: str,
) -> Entry:
    """Edit an entry's printed text and follow-up while its batch is a draft."""
    _require_draft(_locked(entry.batch))
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
    entry.rectification_deadline = rectification_deadline
    entry.department = department
    entry.save(update_fields=list(PRINTED_FIELDS))
    return entry


@transaction.atomic
def entry_remove(*, entry: Entry) -> None:
    """Take an entry out of a draft batch; the entries after it move up one place."""
    batch = _locked(entry.batch)
    _require_draft(batch)
    position = entry.position
    entry.delete()
    # One row at a time, lowest first: each moves into the place just freed, so the unique
    # (batch, position) constraint holds after every statement.
    for later in batch.entries.filter(position__gt=position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position"])


@transaction.atomic
def entry_move(*, entry: Entry, up: bool) -> None:
    """Swap an entry of a draft batch with its neighbour above (``up``) or below."""
    batch = _locked(entry.batch)
    _require_draft(batch)
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


def _missing_follow_up(batch: Batch) -> list[Entry]:
    return list(batch.entries.filter(responsible_person="").order_by("position"))


@transaction.atomic
def batch_submit(*, batch: Batch, actor: User, comment: str = "") -> Batch:
    """The composer sends the draft for approval. Refused if empty or an entry lacks follow-up."""
    batch = _locked(batch)
    if actor.pk != batch.composed_by_id:
        raise PublicationError(_("只有拟稿人可以提交该批次。"))
    if batch.status == BatchStatus.DRAFT and not batch.entries.exists():
        raise PublicationError(_("批次中还没有单位，不能提交。"))
    missing = _missing_follow_up(batch)
    if batch.status == BatchStatus.DRAFT and missing:
        raise PublicationError(
            _("以下单位还没有填写责任人：%(units)s。")
            % {"units": "、".join(e.unit_name for e in missing)}
        )
    batch.submitted_at = timezone.now()
    batch_transition(
        batch=batch,
        to_status=BatchStatus.SUBMITTED,
        actor=actor,
        comment=comment,
        fields=["submitted_at"],
    )
    return batch


@transaction.atomic
def batch_return(*, batch: Batch, actor: User, reason: str) -> Batch:
    """An official sends a submitted batch back to its composer, with the reason."""
    batch = _locked(batch)
    if actor.pk == batch.composed_by_id:
        raise PublicationError(_("拟稿人不能审批自己拟的批次。"))
    batch_transition(batch=batch, to_status=BatchStatus.RETURNED, actor=actor, comment=reason)
    return batch


@transaction.atomic
def batch_reopen(*, batch: Batch, actor: User) -> Batch:
    """The composer takes a returned batch back as a draft to change it."""
    batch = _locked(batch)
    if actor.pk != batch.composed_by_id:
        raise PublicationError(_("只有拟稿人可以修改被退回的批次。"))
    batch_transition(batch=batch, to_status=BatchStatus.DRAFT, actor=actor)
    return batch


def _next_number(year: int) -> int:
    # Held until the transaction ends: a concurrent approval of the same year waits here and
    # then sees this one's number, so numbers have no gaps and no duplicates.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_BATCH_NUMBER_LOCK, year])
    top = Batch.objects.filter(year=year).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def _enqueue_job(batch: Batch, kind: str) -> PublicationJob:
    job, _created = PublicationJob.objects.get_or_create(batch=batch, kind=kind)
    transaction.on_commit(lambda: publication_job_dispatch(job_id=job.pk))
    return job


def publication_job_dispatch(*, job_id: int) -> bool:
    """Send one outbox job to the broker; False (and logged) if the broker cannot be reached.

    Called after commit and by the beat sweep. A broker that is down loses nothing: the row
    stays unfinished and the sweep sends it again.
    """
    job = PublicationJob.objects.filter(pk=job_id, finished_at__isnull=True).first()
    if job is None:
        return False
    task_name = (
        "publicity.build_notice"
        if job.kind == PublicationJob.Kind.NOTICE
        else "publicity.build_prior_notice_letters"
    )
    if not job_send(task_name, job_id=job.pk):
        return False
    PublicationJob.objects.filter(pk=job.pk).update(dispatched_at=timezone.now())
    return True


def publication_jobs_redispatch(*, now: datetime.datetime | None = None) -> int:
    """Send again every unfinished job never sent or sent too long ago; return how many."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(minutes=settings.PUBLICATION_JOB_REDISPATCH_MINUTES)
    sent = 0
    for job_id in PublicationJob.objects.filter(finished_at__isnull=True).values_list(
        "pk", flat=True
    ):
        job = PublicationJob.objects.get(pk=job_id)
        if job.dispatched_at is None or job.dispatched_at < stale:
            sent += publication_job_dispatch(job_id=job_id)
    return sent


@transaction.atomic
def batch_approve(*, batch: Batch, actor: User, comment: str = "") -> Batch:
    """An official other than the composer approves: the batch gets its number and the prior
    notice period starts.

    Side effects: the year's next number (gapless, under a lock), ``approved_by``/``_at``,
    ``notice_period_ends`` (today + OBJECTION_PERIOD_DAYS), the history row, and a letters
    job in the outbox (built after commit by ``publicity.build_prior_notice_letters``).
    """
    batch = _locked(batch)
    if actor.pk == batch.composed_by_id:
        raise PublicationError(_("拟稿人不能审批自己拟的批次（双人审核）。"))
    if batch.status != BatchStatus.SUBMITTED:
        batch_transition(batch=batch, to_status=BatchStatus.APPROVED, actor=actor)  # raises
    now = timezone.now()
    batch.year = timezone.localdate(now).year
    batch.number = _next_number(batch.year)
    batch.approved_by = actor
    batch.approved_at = now
    batch.notice_period_ends = timezone.localdate(now) + datetime.timedelta(
        days=settings.OBJECTION_PERIOD_DAYS
    )
    batch_transition(
        batch=batch,
        to_status=BatchStatus.APPROVED,
        actor=actor,
        comment=comment,
        fields=["year", "number", "approved_by", "approved_at", "notice_period_ends"],
    )
    _enqueue_job(batch, PublicationJob.Kind.LETTERS)
    return batch


def _open_objections(batch: Batch) -> int:
    return Objection.objects.filter(entry__batch=batch, decision=ObjectionDecision.PENDING).count()


@transaction.atomic
def batch_finalise(*, batch: Batch, actor: User, today: datetime.date | None = None) -> Batch:
    """Close the notice period: only once it is over and every objection is decided.

    Side effects: ``finalised_at``, the history row, and a notice job in the outbox (the
    newspaper notice is built after commit by ``publicity.build_notice``).
    """
    batch = _locked(batch)
    today = today or timezone.localdate()
    if batch.status == BatchStatus.APPROVED:
        if batch.notice_period_ends is None or today <= batch.notice_period_ends:
            raise PublicationError(
                _("告知期到 %(date)s 为止，期满后才能定稿。") % {"date": batch.notice_period_ends}
            )
        if pending := _open_objections(batch):
            raise PublicationError(
                _("还有 %(count)d 件异议未决定，全部决定后才能定稿。") % {"count": pending}
            )
        if not batch.entries.filter(status=EntryStatus.PLANNED).exists():
            raise PublicationError(_("所有单位都已撤出，批次中没有可公示的单位。"))
    batch.finalised_at = timezone.now()
    batch_transition(
        batch=batch, to_status=BatchStatus.FINALISED, actor=actor, fields=["finalised_at"]
    )
    _enqueue_job(batch, PublicationJob.Kind.NOTICE)
    return batch


@transaction.atomic
def batch_publish(*, batch: Batch, actor: User, published_on: datetime.date, outlet: str) -> Batch:
    """Publish on the day the newspaper prints the notice: open one case per remaining entry.

    Side effects: for every planned entry a rectification case (``case_open``), and the entry
    becomes listed with its case, publication date and end of the publicity term; then the
    batch's date, outlet and status, and the history row. The entries are written before the
    batch turns published, because from then on the database refuses changes to them.
    """
    batch = _locked(batch)
    outlet = outlet.strip()
    if batch.status == BatchStatus.FINALISED:
        if not batch.notice_sha256:
            raise PublicationError(_("公告PDF尚未生成，请稍后再发布。"))
        if not outlet:
            raise PublicationError(_("请填写刊登媒体。"))
        if batch.finalised_at and published_on < timezone.localdate(batch.finalised_at):
            raise PublicationError(_("公示日期不能早于定稿日期。"))
    else:
        batch_transition(batch=batch, to_status=BatchStatus.PUBLISHED, actor=actor)  # raises
    listed_until = entry_listed_until(published_on)
    entries = batch.entries.filter(status=EntryStatus.PLANNED).select_related(
        "enterprise", "finding", "department"
    )
    for entry in entries.order_by("position"):
        entry.case = case_open(
            enterprise=entry.enterprise,
            findings=[entry.finding],
            disposition=entry.disposition,
            deadline=entry.rectification_deadline,
            department=entry.department,
            responsible_person=entry.responsible_person,
            opened_on=published_on,
            actor=actor,
        )
        entry.status = EntryStatus.LISTED
        entry.published_on = published_on
        entry.listed_until = listed_until
        entry.save(update_fields=["case", "status", "published_on", "listed_until"])
    batch.published_on = published_on
    batch.outlet = outlet
    batch_transition(
        batch=batch,
        to_status=BatchStatus.PUBLISHED,
        actor=actor,
        fields=["published_on", "outlet"],
    )
    public_cache_invalidate_on_commit()
    return batch


# --- Documents --------------------------------------------------------------------------------


def _store(name: str, data: bytes) -> str:
    """Write ``data`` under exactly ``name``, replacing a file left by an earlier run."""
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def publication_job_start(*, job_id: int) -> PublicationJob | None:
    """Record that a run began (committed at once: the started-marker); None if done/gone."""
    with transaction.atomic():
        job = PublicationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished_at is not None:
            return None
        job.started_at = timezone.now()
        job.attempts += 1
        job.save(update_fields=["started_at", "attempts"])
        return job


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
        .prefetch_related("finding__provisions")
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


@transaction.atomic
def notice_build(*, batch: Batch) -> str:
    """Build the newspaper notice of a finalised or published batch, store it and its SHA-256.

    Idempotent: the same batch always yields the same bytes; when the stored hash matches
    and the file is there, nothing is written.
    """
    from publicity.notice import build_notice_pdf

    batch = _locked(batch)
    if batch.status not in (BatchStatus.FINALISED, BatchStatus.PUBLISHED):
        raise PublicationError(_("只有已定稿的批次才能生成公告。"))
    data = build_notice_pdf(batch, pagesize=settings.NOTICE_PAGE_SIZE)
    digest = hashlib.sha256(data).hexdigest()
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


# --- Objections -------------------------------------------------------------------------------


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
    batch = _locked(entry.batch)
    if batch.status != BatchStatus.APPROVED:
        raise PublicationError(_("只能在告知期内（批次已批准、未定稿）登记异议。"))
    if batch.notice_period_ends is None or batch.approved_at is None:
        raise PublicationError(_("批次尚未批准，没有告知期。"))
    if received_on > batch.notice_period_ends:
        raise PublicationError(
            _("异议须在告知期截止日 %(date)s 前收到。")
            % {"date": batch.notice_period_ends.isoformat()}
        )
    if received_on < timezone.localdate(batch.approved_at):
        raise PublicationError(_("收到日期不能早于批准日期。"))
    if entry.status != EntryStatus.PLANNED:
        raise PublicationError(_("该单位已撤出批次。"))
    if not statement.strip():
        raise PublicationError(_("请填写异议理由。"))
    objection = Objection(
        entry=entry, received_on=received_on, statement=statement.strip(), recorded_by=actor
    )
    if evidence is not None:
        checked = evidence_check(evidence)
        objection.evidence.save(checked.content.name or "evidence", checked.content, save=False)
    objection.save()
    return objection


@transaction.atomic
def objection_decide(*, objection: Objection, actor: User, upheld: bool, reasons: str) -> Objection:
    """An official other than the composer decides; upheld takes the entry out of the batch."""
    objection = Objection.objects.select_for_update().select_related("entry").get(pk=objection.pk)
    batch = _locked(objection.entry.batch)
    if actor.pk == batch.composed_by_id:
        raise PublicationError(_("拟稿人不能决定本批次的异议。"))
    if batch.status != BatchStatus.APPROVED:
        raise PublicationError(_("批次已定稿，异议不能再决定。"))
    if objection.decision != ObjectionDecision.PENDING:
        raise PublicationError(_("该异议已经决定。"))
    if not reasons.strip():
        raise PublicationError(_("请填写决定理由。"))
    objection.decision = ObjectionDecision.UPHELD if upheld else ObjectionDecision.REJECTED
    objection.decided_by = actor
    objection.decided_at = timezone.now()
    objection.reasons = reasons.strip()
    objection.save(update_fields=["decision", "decided_by", "decided_at", "reasons"])
    if upheld:
        entry = objection.entry
        entry.status = EntryStatus.WITHDRAWN_ON_OBJECTION
        entry.removed_on = timezone.localdate()
        entry.removal_reason = objection.reasons
        entry.save(update_fields=["status", "removed_on", "removal_reason"])
    return objection


# --- Errata -----------------------------------------------------------------------------------


@transaction.atomic
def erratum_create(
    *, entry: Entry, actor: User, kind: str, reason: str, corrections: dict[str, str]
) -> Erratum:
    """Propose a correction or withdrawal of one listed entry; an official approves it."""
    if entry.status != EntryStatus.LISTED:
        raise PublicationError(_("只能更正或撤回正在公示的条目。"))
    if not reason.strip():
        raise PublicationError(_("请填写更正理由。"))
    corrections = {k: v.strip() for k, v in corrections.items() if v and v.strip()}
    if kind == ErratumKind.CORRECT and not corrections:
        raise PublicationError(_("请至少填写一项更正后的内容。"))
    if kind == ErratumKind.WITHDRAW:
        corrections = {}
    if Erratum.objects.filter(entry=entry, status=ErratumStatus.SUBMITTED).exists():
        raise PublicationError(_("该条目已有一份待审批的更正。"))
    return Erratum.objects.create(
        entry=entry,
        kind=kind,
        status=ErratumStatus.SUBMITTED,
        corrections=corrections,
        reason=reason.strip(),
        author=actor,
    )


@transaction.atomic
def erratum_decide(*, erratum: Erratum, actor: User, approve: bool) -> Erratum:
    """An official other than its author approves or rejects an erratum.

    Approving a withdrawal takes the entry off the list (status, removal date and reason —
    the columns the database still lets change) and cancels its case. The printed text is
    never touched: a correction is shown beside the entry.
    """
    erratum = Erratum.objects.select_for_update().get(pk=erratum.pk)
    if actor.pk == erratum.author_id:
        raise PublicationError(_("更正须由拟稿人以外的审批领导批准。"))
    if erratum.status != ErratumStatus.SUBMITTED:
        raise PublicationError(_("该更正已经处理。"))
    erratum.status = ErratumStatus.APPROVED if approve else ErratumStatus.REJECTED
    erratum.approved_by = actor if approve else None
    erratum.approved_at = timezone.now() if approve else None
    erratum.save(update_fields=["status", "approved_by", "approved_at"])
    if approve and erratum.kind == ErratumKind.WITHDRAW:
        entry = Entry.objects.select_for_update().get(pk=erratum.entry_id)
        entry.status = EntryStatus.WITHDRAWN_BY_ERRATUM
        entry.removed_on = timezone.localdate()
        entry.removal_reason = erratum.reason
        entry.save(update_fields=["status", "removed_on", "removal_reason"])
        if entry.case_id is not None:
            case_cancel(case=Case.objects.get(pk=entry.case_id), actor=actor, reason=erratum.reason)
    if approve:
        # A correction is shown beside the entry, a withdrawal takes it off the list.
        public_cache_invalidate_on_commit()
    return erratum


# --- Media reports ----------------------------------------------------------------------------


@transaction.atomic
def media_report_create(
    *,
    batch: Batch,
    outlet: str,
    date: datetime.date,
    headline: str,
    url: str,
    entries: Iterable[Entry],
) -> MediaReport:
    """Record a follow-up report on a published batch, tied to some of its entries."""
    batch = Batch.objects.get(pk=batch.pk)
    if batch.status != BatchStatus.PUBLISHED:
        raise PublicationError(_("只能为已公示的批次登记跟踪报道。"))
    entries = list(entries)
    if any(e.batch_id != batch.pk for e in entries):
        raise PublicationError(_("所选条目不属于该批次。"))
    report = MediaReport.objects.create(
        outlet=outlet.strip(), date=date, headline=headline.strip(), url=url.strip(), batch=batch
    )
    report.entries.set(entries)
    return report
