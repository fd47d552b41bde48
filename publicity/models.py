"""Publication batches, their entries, objections, errata, media reports and the public's
submissions: the top domain layer. May call rectification and registry, never the reverse.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.calendar import Deadline, recorded_deadline
from publicity.enums import (
    BatchStatus,
    EntryStatus,
    ErratumKind,
    ErratumStatus,
    ExportFormat,
    ExportStatus,
    ObjectionDecision,
    SubmissionKind,
    SubmissionStatus,
)
from rectification.enums import CaseStatus
from registry.enums import Disposition, ExposureCategory
from registry.validators import validate_phone

if TYPE_CHECKING:
    from registry.models import Finding


class Batch(models.Model):
    """公示曝光批次: a set of units published together in one newspaper notice, by one
    authority (its composer's), numbered per authority and year."""

    authority = models.ForeignKey(
        "registry.Authority",
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("公示机关"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.DRAFT
    )
    # Numbered at approval, per authority and year without gaps: "2009年第3批".
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True)
    number = models.PositiveSmallIntegerField(_("批次号"), null=True, blank=True)
    composed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="composed_batches",
        verbose_name=_("拟稿人"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_batches",
        verbose_name=_("审批人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    notice_period_ends = models.DateField(_("告知期截止"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True, db_index=True)
    outlet = models.CharField(_("刊登媒体"), max_length=128, blank=True)
    notice_pdf = models.FileField(_("公告PDF"), upload_to="notices/", blank=True, max_length=255)
    notice_sha256 = models.CharField(_("公告SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("公示曝光批次")
        verbose_name_plural = pgettext_lazy("plural", "公示曝光批次")
        ordering = ["-year", "-number", "-id"]
        permissions = [
            ("approve_batch", _("可审批公示曝光批次")),
            ("publish_batch", _("可定稿并发布公示曝光批次")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "year", "number"],
                condition=Q(number__isnull=False),
                name="batch_number_unique_per_authority_year",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True, number__isnull=True)
                | Q(year__isnull=False, number__gte=1),
                name="batch_year_and_number_together",
            ),
            # Four eyes: from approval on, an approver who is not the composer.
            models.CheckConstraint(
                condition=~Q(status__in=BatchStatus.approved_or_later())
                | (
                    Q(approved_by__isnull=False, number__isnull=False)
                    & ~Q(approved_by=F("composed_by"))
                ),
                name="batch_approved_by_other_than_composer",
            ),
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.PUBLISHED)
                | Q(published_on__isnull=False) & ~Q(outlet=""),
                name="batch_published_has_date_and_outlet",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The batch's one name on every page: its printed number once it has one (given at
        approval), a draft's working name while the composer edits it, and otherwise — sent
        for approval or returned — no longer a draft but not numbered yet."""
        if self.number is not None:
            return str(_("%(year)s年第%(number)s批") % {"year": self.year, "number": self.number})
        if self.status == BatchStatus.DRAFT:
            return str(_("批次草稿 #%(id)s") % {"id": self.pk})
        return str(_("批次 #%(id)s") % {"id": self.pk})


class BatchTransition(models.Model):
    """Append-only history of a batch's moves: who, when, from what to what, and why."""

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("批次")
    )
    from_status = models.CharField(_("原状态"), max_length=16, choices=BatchStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=16, choices=BatchStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("批次流转记录")
        verbose_name_plural = pgettext_lazy("plural", "批次流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.from_status} → {self.to_status}"


class EntryQuerySet(models.QuerySet["Entry"]):
    def public(self) -> EntryQuerySet:
        """Entries on the public list now."""
        return self.filter(status=EntryStatus.LISTED)


class Entry(models.Model):
    """曝光条目: one unit in a batch, with the text exactly as printed.

    One entry per unit per batch: ``finding`` is the principal finding (the one the entry
    was composed from), ``further_findings`` the unit's other findings added to the same
    batch; the printed text and the case cover them all (:attr:`findings_in_order`).

    District, industry and publication date are copied from the enterprise and batch when the
    entry is composed (and frozen at publication), so the public list filters and pages on
    this table's own indexes without joins.
    """

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="entries", verbose_name=_("批次")
    )
    # The place while composing (moved up and down, renumbered when an entry is taken out).
    position = models.PositiveIntegerField(_("排列顺序"))
    # 序号 as printed in the notice: given at finalisation to the entries that survived the
    # objections, 1, 2, 3 in their order; every page, export and the API shows this one.
    printed_number = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=32, choices=EntryStatus.choices, default=EntryStatus.PLANNED
    )
    finding = models.ForeignKey(
        "registry.Finding",
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("检查发现"),
    )
    further_findings = models.ManyToManyField(
        "registry.Finding",
        blank=True,
        related_name="further_entries",
        verbose_name=_("同一单位的其他检查发现"),
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("单位"),
    )
    district = models.ForeignKey(
        "registry.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("县区"),
    )
    industry = models.ForeignKey(
        "registry.Industry",
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("行业"),
    )
    # As printed.
    unit_name = models.CharField(_("单位名称"), max_length=200)
    # The printed name's character pairs (the registry's bigram function, as for
    # Enterprise.name_bigrams): the public search finds a unit by the name it was exposed
    # under, even after it was renamed, from a GIN index.
    unit_name_bigrams = models.GeneratedField(
        expression=Func(F("unit_name"), function="registry_name_bigrams"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The enterprise's 统一社会信用代码 when the entry was composed, printed under the name;
    # empty for a unit that has none (an unlicensed operator).
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, default="")
    address = models.CharField(_("地址"), max_length=255)
    violation_text = models.TextField(_("违法违规行为及事故隐患"))
    category = models.CharField(_("曝光类别"), max_length=32, choices=ExposureCategory.choices)
    disposition = models.CharField(_("处理措施"), max_length=32, choices=Disposition.choices)
    rectification_deadline = models.DateField(_("整改期限"))
    # Set when the deadline as reckoned fell on a rest day and moved to the next working day
    # (Civil Code art. 203): the day it was reckoned as and the holiday's name ("" for a weekend).
    rectification_deadline_moved_from = models.DateField(
        _("整改期限原定日期"), null=True, blank=True
    )
    rectification_deadline_holiday = models.CharField(
        _("整改期限顺延所逢假日"), max_length=32, blank=True, db_default=""
    )
    department = models.ForeignKey(
        "registry.Department",
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("跟踪整改责任单位"),
    )
    responsible_person = models.CharField(_("责任人"), max_length=64)
    # The responsible person's contact, captured while composing and carried to the case
    # (where the reminders read it); never printed or shown to the public.
    responsible_phone = models.CharField(
        _("责任人电话"), max_length=32, blank=True, validators=[validate_phone]
    )
    responsible_email = models.EmailField(_("责任人邮箱"), blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    # Set when the batch is published; the entry holds its case, one-to-one.
    case = models.OneToOneField(
        "rectification.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entry",
        verbose_name=_("整改跟踪"),
    )
    listed_until = models.DateField(_("公示期至"), null=True, blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.TextField(_("移出原因"), blank=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("曝光条目")
        verbose_name_plural = pgettext_lazy("plural", "曝光条目")
        ordering = ["batch", "position"]
        permissions = [("remove_entry_early", _("可在整改核实后提前移出公示名单"))]
        indexes = [
            # Keyset pagination of the public list, newest first, with and without filters.
            models.Index(fields=["status", "-published_on", "-id"], name="entry_public_keyset"),
            # A district's page tests a further filter (industry, disposition) in the index,
            # without reading the rows it passes over.
            models.Index(
                fields=["district", "status", "-published_on", "-id"],
                name="entry_by_district",
                include=["industry", "disposition"],
            ),
            # A district's list by name, and its counts by disposition and by industry: each
            # an index-only read of the rows it shows or counts (a count stops at its bound).
            models.Index(
                fields=["district", "status", "unit_name", "id"],
                name="entry_district_by_name",
                include=["industry", "disposition", "published_on"],
            ),
            models.Index(
                fields=["district", "disposition", "status"], name="entry_district_disposition"
            ),
            models.Index(fields=["district", "industry", "status"], name="entry_district_industry"),
            models.Index(
                fields=["industry", "status", "-published_on", "-id"], name="entry_by_industry"
            ),
            models.Index(
                fields=["disposition", "status", "-published_on", "-id"],
                name="entry_by_disposition",
            ),
            # The public list sorted by unit name, paged by keyset on (unit_name, id).
            models.Index(fields=["status", "unit_name", "id"], name="entry_by_name"),
            GinIndex(fields=["unit_name_bigrams"], name="entry_unit_name_bigrams"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "position"], name="entry_position_unique"),
            models.UniqueConstraint(
                fields=["batch", "printed_number"], name="entry_printed_number_unique"
            ),
            models.UniqueConstraint(
                fields=["batch", "finding"], name="entry_finding_once_per_batch"
            ),
            # One entry per unit per batch. Every entry is planned while its batch is
            # composed, reviewed and in its notice period, so this guards every way an
            # entry comes in; published history from before the rule is left as printed.
            models.UniqueConstraint(
                fields=["batch", "enterprise"],
                condition=Q(status=EntryStatus.PLANNED),
                name="entry_unit_once_per_batch",
            ),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.LISTED)
                | Q(case__isnull=False, published_on__isnull=False),
                name="entry_listed_has_case_and_date",
            ),
            # What the public sees was printed, under its printed number.
            models.CheckConstraint(
                condition=~Q(
                    status__in=[
                        EntryStatus.LISTED,
                        EntryStatus.REMOVED,
                        EntryStatus.WITHDRAWN_BY_ERRATUM,
                    ]
                )
                | Q(printed_number__isnull=False),
                name="entry_published_has_printed_number",
            ),
        ]

    def __str__(self) -> str:
        return self.unit_name

    @property
    def deadline_info(self) -> Deadline:
        """The rectification deadline with why it moved, if it did."""
        return recorded_deadline(
            self.rectification_deadline,
            self.rectification_deadline_moved_from,
            self.rectification_deadline_holiday,
        )

    @property
    def removal_shown(self) -> str:
        """Why the entry left the list, in the reader's language. ``removal_reason`` holds a
        person's words only (the official's on an early removal, the objection's or the
        erratum's reasons on a withdrawal); a removal without any is the term's end."""
        if self.status != EntryStatus.REMOVED:
            return self.removal_reason
        if not self.removal_reason:
            return str(_("公示期满"))
        return str(_("整改核实后提前移出：%(reason)s") % {"reason": self.removal_reason})

    @property
    def findings_in_order(self) -> list[Finding]:
        """Every finding the entry carries: the principal one, then the others by id.

        Prefetch ``further_findings`` for lists (the selectors do)."""
        further = sorted(self.further_findings.all(), key=lambda finding: finding.pk)
        return [self.finding, *further]

    @property
    def is_withdrawn(self) -> bool:
        """Taken out before or after publication (an upheld objection, an erratum)."""
        return self.status in (EntryStatus.WITHDRAWN_ON_OBJECTION, EntryStatus.WITHDRAWN_BY_ERRATUM)

    @property
    def is_public(self) -> bool:
        """On the public list now."""
        return self.status == EntryStatus.LISTED

    @property
    def withdrawn_by_erratum(self) -> bool:
        return self.status == EntryStatus.WITHDRAWN_BY_ERRATUM


class Objection(models.Model):
    """异议: a unit's objection to its planned entry during the prior-notice period."""

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="objections", verbose_name=_("曝光条目")
    )
    received_on = models.DateField(_("收到日期"))
    statement = models.TextField(_("异议理由"))
    evidence = models.FileField(
        _("证据材料"), upload_to="evidence/objection/", blank=True, max_length=255
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )
    decision = models.CharField(
        _("决定"),
        max_length=16,
        choices=ObjectionDecision.choices,
        default=ObjectionDecision.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    reasons = models.TextField(_("决定理由"), blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = pgettext_lazy("plural", "异议")
        ordering = ["received_on", "id"]
        permissions = [("decide_objection", _("可决定异议"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    decision=ObjectionDecision.PENDING,
                    decided_by__isnull=True,
                    decided_at__isnull=True,
                    reasons="",
                )
                | (
                    ~Q(decision=ObjectionDecision.PENDING)
                    & Q(decided_by__isnull=False, decided_at__isnull=False)
                    & ~Q(reasons="")
                ),
                name="objection_decided_with_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_decision_display()}"

    @property
    def is_pending(self) -> bool:
        return self.decision == ObjectionDecision.PENDING


class Erratum(models.Model):
    """更正: corrects or withdraws one published entry; the entry keeps its original text."""

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="errata", verbose_name=_("曝光条目")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ErratumKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ErratumStatus.choices, default=ErratumStatus.SUBMITTED
    )
    # The corrected printed fields, {field name: new text}; empty for a withdrawal.
    corrections = models.JSONField(_("更正内容"), default=dict, blank=True)
    reason = models.TextField(_("理由"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("拟稿人"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("更正")
        verbose_name_plural = pgettext_lazy("plural", "更正")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_erratum", _("可审批更正"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ErratumStatus.APPROVED)
                | (
                    Q(approved_by__isnull=False, approved_at__isnull=False)
                    & ~Q(approved_by=F("author"))
                ),
                name="erratum_approved_by_other_than_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.get_kind_display()}"


class MediaReport(models.Model):
    """跟踪报道: a newspaper, TV or web follow-up on a batch or on entries."""

    outlet = models.CharField(_("媒体"), max_length=128)
    date = models.DateField(_("日期"))
    headline = models.CharField(_("标题"), max_length=255)
    url = models.URLField(_("链接"), blank=True, max_length=500)
    batch = models.ForeignKey(
        Batch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="media_reports",
        verbose_name=_("批次"),
    )
    entries = models.ManyToManyField(
        Entry, blank=True, related_name="media_reports", verbose_name=_("曝光条目")
    )

    class Meta:
        verbose_name = _("跟踪报道")
        verbose_name_plural = pgettext_lazy("plural", "跟踪报道")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.headline


class Submission(models.Model):
    """举报投诉 / 咨询 from the public. Anonymous allowed.

    The submitter's name and contact are visible only to staff holding
    ``publicity.view_submitter_identity`` and never on any public page, feed, export or API.
    """

    kind = models.CharField(_("类型"), max_length=16, choices=SubmissionKind.choices)
    tracking_code = models.CharField(_("查询码"), max_length=32, unique=True)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("内容"))
    unit_name = models.CharField(_("被举报单位"), max_length=200, blank=True)
    district = models.ForeignKey(
        "registry.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县区"),
    )
    is_anonymous = models.BooleanField(_("匿名"), default=True)
    submitter_name = models.CharField(_("姓名"), max_length=64, blank=True)
    submitter_contact = models.CharField(_("联系方式"), max_length=128, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    public_reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("举报咨询")
        verbose_name_plural = pgettext_lazy("plural", "举报咨询")
        ordering = ["-created_at", "-id"]
        permissions = [("view_submitter_identity", _("可查看举报人身份及联系方式"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(submitter_name="", submitter_contact=""),
                name="submission_anonymous_has_no_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.subject}"


def letter_upload_to(instance: PriorNoticeLetter, filename: str) -> str:
    # One fixed name per entry: a rebuilt letter replaces the old file instead of adding one.
    return f"letters/batch-{instance.entry.batch_id}/entry-{instance.entry_id}.pdf"


class PriorNoticeLetter(models.Model):
    """告知书: the prior-notice letter one unit receives when its batch is approved."""

    entry = models.OneToOneField(
        Entry, on_delete=models.PROTECT, related_name="letter", verbose_name=_("曝光条目")
    )
    file = models.FileField(_("文件"), upload_to=letter_upload_to, max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    built_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        verbose_name = _("告知书")
        verbose_name_plural = pgettext_lazy("plural", "告知书")
        ordering = ["entry__position"]

    def __str__(self) -> str:
        return f"{self.entry} · {self.sha256[:12]}"


class OutboxJob(models.Model):
    """A job written in the transaction that needs it and sent to the broker after commit;
    the beat sweep (``publicity.services.outbox``) sends again whatever looks lost. The
    fields below are the outbox's bookkeeping; each concrete job adds what it builds."""

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("最近派发时间"), null=True, blank=True)
    # Recorded (and committed) by the task before it builds: the started-marker of a run.
    started_at = models.DateTimeField(_("最近开始时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("运行次数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        abstract = True


class PublicationJob(OutboxJob):
    """The outbox of the batch workflow: a document that must be built because a move committed.

    Written in the same transaction as the approval (letters) or the finalisation (notice), so
    the job survives a broker that was down at commit; the beat job
    ``publicity.dispatch_publication_jobs`` sends again whatever is still unfinished.
    """

    class Kind(models.TextChoices):
        LETTERS = "letters", _("告知书")
        NOTICE = "notice", _("公告")

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("批次")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("生成任务")
        verbose_name_plural = pgettext_lazy("plural", "生成任务")
        ordering = ["created_at", "id"]
        indexes = [
            # The re-dispatch sweep reads only unfinished jobs.
            models.Index(
                fields=["created_at"],
                condition=Q(finished_at__isnull=True),
                name="publication_job_unfinished",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "kind"], name="publication_job_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.kind}"


def export_token() -> str:
    return secrets.token_urlsafe(24)


class ExportJob(OutboxJob):
    """导出任务: a download of the public list too large to stream within the web timeout,
    written to a file by a worker (``publicity.build_export``) and served by a view.

    One job serves every request for the same filters, format and language within
    ``EXPORT_JOB_REUSE_MINUTES``; its file is deleted ``EXPORT_FILE_RETENTION_HOURS`` after
    it was made (``publicity.purge_exports``).
    """

    # The job's address on the public site: not guessable, so a person's filters stay theirs.
    token = models.CharField(_("链接标识"), max_length=40, unique=True, default=export_token)
    # SHA-256 of (filters, format, language): the identity under which requests share a job.
    key = models.CharField(_("请求摘要"), max_length=64)
    filters = models.JSONField(_("筛选条件"), default=dict)
    format = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    language = models.CharField(_("语言"), max_length=16)
    status = models.CharField(
        _("状态"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    file = models.FileField(_("文件"), upload_to="exports/", blank=True, max_length=255)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = pgettext_lazy("plural", "导出任务")
        ordering = ["created_at", "id"]
        indexes = [
            # The reuse lookup: the latest job of one key.
            models.Index(fields=["key", "created_at"], name="export_job_key_recent"),
            # The outbox sweep reads only unfinished jobs; the purge reads by age.
            models.Index(
                fields=["created_at"],
                condition=Q(finished_at__isnull=True),
                name="export_job_unfinished",
            ),
            models.Index(fields=["created_at"], name="export_job_created"),
        ]

    def __str__(self) -> str:
        return f"{self.format} · {self.created_at:%Y-%m-%d %H:%M} · {self.status}"


# --- The home page's figures, kept by the database ---------------------------------------------
#
# Triggers of migration 0018 keep these tables in step with every statement that writes entries
# or cases, whatever runs it: the services, set-based SQL, the demo loader, the benchmark's
# generator. The home page reads its figures here in a few queries instead of counting a
# million rows (publicity.selectors.site_counts_compute). The tallies are ledgers: a statement
# adds a row per key it changed (+n or −n), never updates one, so concurrent writers take no
# lock on them; the figure is the sum per key, and ``site_tallies_compact`` (beat) merges the
# rows of each key. ``manage.py recount_site_tallies`` counts them afresh from the entries and
# cases (docs/operations.md).


class EntryTally(models.Model):
    """Entries by district and status (one row per key a statement changed; sum per key)."""

    # No foreign keys: rows written by triggers need no check, and block no deletion.
    district = models.ForeignKey(
        "registry.Jurisdiction",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("县区"),
    )
    status = models.CharField(_("状态"), max_length=32, choices=EntryStatus.choices)
    entries = models.BigIntegerField(_("条目数"))

    class Meta:
        verbose_name = _("曝光条目计数")
        verbose_name_plural = pgettext_lazy("plural", "曝光条目计数")

    def __str__(self) -> str:
        return f"{self.district_id} · {self.status} · {self.entries:+d}"


class CaseTally(models.Model):
    """The cases of published entries by the entry's district and the case's status.

    Each case counts in a row without a deadline; an active case (``CaseStatus.active()``)
    counts once more in a row with its deadline. So the active cases not yet overdue are the
    few rows with a deadline from today on (an index range), and the overdue ones are the
    active ones less those: no row is read per past day.
    """

    district = models.ForeignKey(
        "registry.Jurisdiction",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("县区"),
    )
    status = models.CharField(_("状态"), max_length=32, choices=CaseStatus.choices)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    # In the rows without a deadline: a finished case closed on or before its deadline (the
    # statistics' on-time rate; migration 0021).
    on_time = models.BooleanField(_("按期完成"), db_default=False)
    cases = models.BigIntegerField(_("整改跟踪数"))

    class Meta:
        verbose_name = _("整改跟踪计数")
        verbose_name_plural = pgettext_lazy("plural", "整改跟踪计数")
        indexes = [
            # The totals (deadline IS NULL) and the cases not yet due (deadline >= today).
            models.Index(fields=["deadline"], name="case_tally_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.district_id} · {self.status} · {self.deadline or '—'} · {self.cases:+d}"


class EntryFigureTally(models.Model):
    """Published entries by district, industry, disposition and year of publication (one row
    per key a statement changed; sum per key): the statistics page's tables, read from a few
    thousand rows instead of grouping a million entries four times (migration 0021)."""

    district = models.ForeignKey(
        "registry.Jurisdiction",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("县区"),
    )
    industry = models.ForeignKey(
        "registry.Industry",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("行业"),
    )
    disposition = models.CharField(_("处理措施"), max_length=32, choices=Disposition.choices)
    year = models.IntegerField(_("年度"), null=True, blank=True)
    entries = models.BigIntegerField(_("条目数"))

    class Meta:
        verbose_name = _("公示条目统计计数")
        verbose_name_plural = pgettext_lazy("plural", "公示条目统计计数")

    def __str__(self) -> str:
        return (
            f"{self.district_id} · {self.industry_id} · {self.disposition} · "
            f"{self.year or '—'} · {self.entries:+d}"
        )


class ExposedUnit(models.Model):
    """A unit with published entries (listed, removed or withdrawn by erratum), and how many:
    a unit exposed in two batches is one exposed unit. Rows leave at zero."""

    enterprise = models.OneToOneField(
        "registry.Enterprise",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("单位"),
    )
    entries = models.IntegerField(_("条目数"))

    class Meta:
        verbose_name = _("已曝光单位")
        verbose_name_plural = pgettext_lazy("plural", "已曝光单位")

    def __str__(self) -> str:
        return f"{self.enterprise_id} · {self.entries}"


class ExposedUnitTally(models.Model):
    """The number of exposed units (one row per statement that changed it; the sum)."""

    units = models.BigIntegerField(_("单位数"))

    class Meta:
        verbose_name = _("已曝光单位计数")
        verbose_name_plural = pgettext_lazy("plural", "已曝光单位计数")

    def __str__(self) -> str:
        return f"{self.units:+d}"
