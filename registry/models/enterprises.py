"""The production and business units (Enterprise) and their bulk import from a spreadsheet
(EnterpriseImport, its checked rows EnterpriseImportRow; the IMPORT table is
registry.workflows').
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from registry.enums import LicenceStatus, OperatingStatus
from registry.models.reference import Industry, Jurisdiction
from registry.validators import validate_credit_code


class Enterprise(models.Model):
    """生产经营单位: a production or business unit, licensed or not."""

    name = models.CharField(_("单位名称"), max_length=200, db_index=True)
    # Optional: unlicensed operators have none. Unique where present (constraint below).
    # NULL, not "", is "no code", so the partial unique index skips it naturally.
    credit_code = models.CharField(  # noqa: DJ001
        _("统一社会信用代码"),
        max_length=18,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=64, blank=True)
    address = models.CharField(_("地址"), max_length=255)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("所在区划"),
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("行业")
    )
    licence_status = models.CharField(
        _("证照状态"), max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.COMPLETE
    )
    operating_status = models.CharField(
        _("经营状态"),
        max_length=16,
        choices=OperatingStatus.choices,
        default=OperatingStatus.OPERATING,
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The name's overlapping character pairs with their positions ("惠城区" → 惠城:1 城区:2),
    # computed by the database (function registry_name_bigrams, migration 0003) so every write
    # path, bulk_create included, keeps it. A substring of two or more characters is then a
    # phrase of consecutive pairs, answered from the GIN index without pg_trgm.
    name_bigrams = models.GeneratedField(
        expression=Func(F("name"), function="registry_name_bigrams"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The name reduced to what tells units apart (upper case, letters and digits only, without a
    # trailing legal form such as 有限公司), computed by registry_name_key (migration 0003): two
    # units of one district with the same key are near-identical names, warned about.
    name_key = models.GeneratedField(
        expression=Func(F("name"), function="registry_name_key"),
        output_field=models.CharField(max_length=200),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("生产经营单位")
        verbose_name_plural = pgettext_lazy("plural", "生产经营单位")
        ordering = ["name", "id"]
        indexes = [
            GinIndex(fields=["name_bigrams"], name="enterprise_name_bigrams"),
            models.Index(fields=["name_key"], name="enterprise_name_key"),
            # A search by the start of a code (``credit_code LIKE 'X%'``, registry.search)
            # from an index: the unique index above uses the database's collation, which
            # only serves LIKE under the "C" collation.
            models.Index(
                fields=["credit_code"],
                opclasses=["varchar_pattern_ops"],
                condition=Q(credit_code__isnull=False),
                name="enterprise_credit_code_prefix",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=Q(credit_code__isnull=False),
                name="enterprise_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(credit_code__isnull=True)
                | Q(credit_code__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="enterprise_credit_code_shape",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EnterpriseImport(models.Model):
    """One bulk import of enterprises: uploaded, checked row by row, then applied or not.

    Nothing reaches Enterprise until the person confirms a preview without errors; applying
    is one transaction (all rows or none).
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("正在检查")
        INVALID = "invalid", _("有错误")
        READY = "ready", _("待确认")
        APPLYING = "applying", _("正在导入")
        APPLIED = "applied", _("已导入")
        FAILED = "failed", _("导入失败")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("上传人"),
    )
    file = models.FileField(_("文件"), upload_to="imports/", max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.CHECKING
    )
    # The checked rows, ready to write, are its EnterpriseImportRow rows.
    # Plain-words problems: [{"row": 3, "column": "统一社会信用代码", "message": "..."}].
    errors = models.JSONField(_("错误"), default=list)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位批量导入")
        verbose_name_plural = pgettext_lazy("plural", "单位批量导入")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.original_name

    # What the import's page shows, by state (the moves are registry.workflows.IMPORT's).
    @property
    def is_checking(self) -> bool:
        return self.status == self.Status.CHECKING

    @property
    def is_working(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.APPLYING)

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def was_refused(self) -> bool:
        return self.status in (self.Status.INVALID, self.Status.FAILED)

    @property
    def is_applied(self) -> bool:
        return self.status == self.Status.APPLIED


class EnterpriseImportRow(models.Model):
    """One checked row of an import, ready to write: kept in a table of their own, so the
    check writes them and the job reads them a chunk at a time, whatever the file's length."""

    enterprise_import = models.ForeignKey(
        EnterpriseImport,
        on_delete=models.CASCADE,
        related_name="checked_rows",
        verbose_name=_("单位批量导入"),
    )
    # The row's number in the file, as the clerk sees it in Excel.
    row = models.PositiveIntegerField(_("行"))
    # The cleaned values, by EnterpriseData's field names (reference rows by id).
    fields = models.JSONField(_("数据"))
    # The unit the row updates (None: a new unit). No foreign key: a unit deleted before the
    # import is applied makes the apply refuse in words, not the deletion fail.
    existing_id = models.PositiveBigIntegerField(_("更新的单位"), null=True, blank=True)

    class Meta:
        verbose_name = _("导入的数据行")
        verbose_name_plural = pgettext_lazy("plural", "导入的数据行")
        ordering = ["enterprise_import", "row"]
        constraints = [
            # Also the index the apply reads the rows in order by, a chunk at a time.
            models.UniqueConstraint(
                fields=["enterprise_import", "row"], name="enterprise_import_row_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_import_id}:{self.row}"
