"""Production-safety accidents (生产安全事故): the figures the statistics compare year over
year.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.enums import AccidentKind
from registry.models.enterprises import Enterprise
from registry.models.reference import Jurisdiction


class Accident(models.Model):
    """A production-safety accident (生产安全事故); 较大事故 is three or more deaths."""

    date = models.DateField(_("发生日期"), db_index=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="accidents", verbose_name=_("县区")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accidents",
        verbose_name=_("单位"),
    )
    kind = models.CharField(_("事故类型"), max_length=32, choices=AccidentKind.choices)
    deaths = models.PositiveIntegerField(_("死亡人数"), default=0)
    injuries = models.PositiveIntegerField(_("受伤人数"), default=0)
    direct_loss = models.DecimalField(
        _("直接经济损失（元）"), max_digits=14, decimal_places=2, default=0
    )
    description = models.TextField(_("简要经过"), blank=True)
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("生产安全事故")
        verbose_name_plural = pgettext_lazy("plural", "生产安全事故")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(deaths__gte=0), name="accident_deaths_non_negative"),
            models.CheckConstraint(
                condition=Q(injuries__gte=0), name="accident_injuries_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(direct_loss__gte=0), name="accident_loss_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"

    @property
    def is_major(self) -> bool:
        """较大事故: three or more deaths."""
        return self.deaths >= 3
