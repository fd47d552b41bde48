"""The entries of a batch (曝光条目) and what hangs off one entry: the objection a unit
raises during the prior-notice period (异议), the erratum that corrects or withdraws a
published entry (更正), and the prior-notice letter the unit receives (告知书).
"""

from __future__ import annotations

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
from publicity.enums import EntryStatus, ErratumKind, ErratumStatus, ObjectionDecision
from publicity.models.batches import Batch
from registry.enums import Disposition, ExposureCategory
from registry.validators import validate_phone

if TYPE_CHECKING:
    from registry.models import Finding


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
