"""Publication batches (公示曝光批次) and their append-only history of moves
(BatchTransition); the BATCH table is publicity.workflows'.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from publicity.enums import BatchStatus


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
