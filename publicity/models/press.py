"""The press's follow-up on a batch or its entries (跟踪报道)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from publicity.models.batches import Batch
from publicity.models.entries import Entry


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
