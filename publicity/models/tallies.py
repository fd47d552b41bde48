"""The home page's and the statistics page's figures, kept by the database.

Triggers of migrations 0018 and 0021 keep these tables in step with every statement that
writes entries or cases, whatever runs it: the services, set-based SQL, the demo loader, the
benchmark's generator. The home page reads its figures here in a few queries instead of
counting a million rows (publicity.selectors.site_counts_compute). The tallies are ledgers: a
statement adds a row per key it changed (+n or −n), never updates one, so concurrent writers
take no lock on them; the figure is the sum per key, and ``site_tallies_compact`` (beat)
merges the rows of each key. ``manage.py recount_site_tallies`` counts them afresh from the
entries and cases (docs/operations.md).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from publicity.enums import EntryStatus
from rectification.enums import CaseStatus
from registry.enums import Disposition


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
