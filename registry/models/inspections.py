"""What inspectors find: an Inspection of an enterprise, its Findings, the Evidence files that
prove them, and the evidence files waiting on a form sent back with errors (PendingUpload).
Every file here is in private storage, served only to permitted staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.calendar import Deadline, recorded_deadline
from registry.enums import CampaignBasis, Disposition, ExposureCategory, InspectionKind
from registry.models.enterprises import Enterprise
from registry.models.reference import Jurisdiction, LegalProvision


class Inspection(models.Model):
    """A visit to an enterprise and what it found (its findings)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("单位")
    )
    # Where the inspection took place (a district or a township, as an enterprise's own
    # jurisdiction is): the unit's registered place unless the inspector chose another
    # district of their area. The register is the province's, one row per unit; what an
    # inspection finds belongs to the place it was found, so this, not the unit's
    # registered place, scopes the inspection and what flows from it (findings, entries,
    # cases) to staff.
    place = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("检查地点"),
    )
    # Whether it took place anywhere but the unit's registered jurisdiction: kept by the
    # database (migration 0016's triggers, on the inspection's insert and change of place or
    # unit, and on the unit's move), so every writer keeps it, and read from the database
    # (an instance just saved holds the default). Staff of such a place see the unit in their
    # register though it is registered elsewhere; the partial index on these few rows finds
    # them without reading every inspection of an area (registry.permissions).
    away = models.BooleanField(_("异地检查"), default=False, editable=False)
    date = models.DateField(_("检查日期"), db_index=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspections", verbose_name=_("执法人员")
    )
    kind = models.CharField(
        _("检查类型"), max_length=32, choices=InspectionKind.choices, default=InspectionKind.ROUTINE
    )
    campaign_basis = models.CharField(
        _("专项依据"), max_length=16, choices=CampaignBasis.choices, blank=True
    )
    campaign = models.CharField(_("专项行动名称"), max_length=128, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = pgettext_lazy("plural", "检查")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["place"], condition=Q(away=True), name="inspection_away_place"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=InspectionKind.ROUTINE, campaign_basis="")
                | Q(kind=InspectionKind.SPECIAL_CAMPAIGN) & ~Q(campaign_basis=""),
                name="inspection_campaign_basis_with_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.date}"


class Finding(models.Model):
    """What an inspection found: a violation or hazard, and what is proposed about it."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="findings", verbose_name=_("检查")
    )
    category = models.CharField(_("曝光种类"), max_length=32, choices=ExposureCategory.choices)
    description = models.TextField(_("违法违规行为及事故隐患"))
    provisions = models.ManyToManyField(
        LegalProvision, blank=True, related_name="findings", verbose_name=_("违反的法律依据")
    )
    is_major_hazard = models.BooleanField(_("重大事故隐患"), default=False)
    proposed_disposition = models.CharField(
        _("拟处理措施"), max_length=32, choices=Disposition.choices
    )
    proposed_deadline = models.DateField(_("拟整改期限"), null=True, blank=True)
    # Set when the deadline as reckoned fell on a rest day and moved to the next working day
    # (Civil Code art. 203): the day it was reckoned as and the holiday's name ("" for a weekend).
    proposed_deadline_moved_from = models.DateField(_("拟整改期限原定日期"), null=True, blank=True)
    proposed_deadline_holiday = models.CharField(
        _("拟整改期限顺延所逢假日"), max_length=32, blank=True, db_default=""
    )
    proposed_for_publicity = models.BooleanField(_("建议公示曝光"), default=False)
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)
    # How many entries hold this finding (as their principal or a further finding; an entry
    # withdrawn on an upheld objection holds its findings no more). Kept by the database:
    # publicity's triggers on its entry tables (the layer above writes it, migration
    # publicity/0019), so "awaiting a batch" is an index, not an anti-join over every finding.
    in_entries = models.PositiveIntegerField(_("所在曝光条目数"), db_default=0, editable=False)

    class Meta:
        verbose_name = _("检查发现")
        verbose_name_plural = pgettext_lazy("plural", "检查发现")
        ordering = ["-id"]
        indexes = [
            # The batch composer's pool: findings proposed for publicity.
            models.Index(fields=["proposed_for_publicity", "-id"], name="finding_publicity_pool"),
            # The dashboard's "awaiting a batch": proposed and in no entry, newest first. Few
            # rows (what waits now), however many findings were ever batched.
            models.Index(
                fields=["-id"],
                name="finding_awaiting_batch",
                condition=Q(proposed_for_publicity=True, in_entries=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection.enterprise} · {self.get_category_display()}"

    @property
    def deadline_info(self) -> Deadline | None:
        """The proposed deadline with why it moved, if it did."""
        if self.proposed_deadline is None:
            return None
        return recorded_deadline(
            self.proposed_deadline,
            self.proposed_deadline_moved_from,
            self.proposed_deadline_holiday,
        )


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # Private storage under MEDIA_ROOT; never served by the static server.
    return f"evidence/finding/{instance.finding_id}/{filename}"


class Evidence(models.Model):
    """A photo or PDF proving a finding; served only to permitted staff."""

    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("检查发现")
    )
    file = models.FileField(_("文件"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = pgettext_lazy("plural", "证据材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


def pending_upload_to(instance: PendingUpload, filename: str) -> str:
    return f"pending/{instance.owner_id}/{filename}"


class PendingUpload(models.Model):
    """A checked evidence file chosen on a form that was sent back with errors.

    Browsers cannot refill file inputs, so the accepted file waits here (private storage,
    tied to the person who chose it) and the re-rendered form lists it as attached until
    the form is saved (it becomes Evidence) or the person removes it.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("上传人"),
    )
    file = models.FileField(_("文件"), upload_to=pending_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("待保存的上传文件")
        verbose_name_plural = pgettext_lazy("plural", "待保存的上传文件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name
