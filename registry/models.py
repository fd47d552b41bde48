"""Enterprise records and what inspectors find: the lowest domain layer.

Nothing here imports rectification or publicity.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.calendar import Deadline, recorded_deadline
from core.enums import PeriodUnit
from registry.enums import (
    AccidentKind,
    CampaignBasis,
    Disposition,
    ExposureCategory,
    InspectionKind,
    JurisdictionLevel,
    LicenceStatus,
    OperatingStatus,
)
from registry.validators import validate_credit_code


def bilingual_name(name: str, name_en: str) -> str:
    """The English name on an English page (when there is one), else the Chinese name; for
    reads that fetch the two columns rather than the row."""
    if (get_language() or "").startswith("en") and name_en:
        return name_en
    return name


class EnglishNameMixin:
    """Reference rows named in both languages: ``display_name`` is the English name on an
    English page and the Chinese one otherwise (or when no English name was given). Printed
    notices and letters use ``name`` itself: they are always Chinese."""

    name: str
    name_en: str

    @property
    def display_name(self) -> str:
        return bilingual_name(self.name, self.name_en)

    def __str__(self) -> str:
        return self.display_name


class Jurisdiction(EnglishNameMixin, models.Model):
    """A node of the administrative tree: province → city → district (县区) → township/street
    (乡镇街道). A one-city deployment's root is its city; a province's, the province.

    ``path`` holds the codes from the root down ("440000/441300/441302/"), so "this district
    and everything under it" is one indexed prefix match instead of a recursive walk.
    """

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    level = models.CharField(_("层级"), max_length=16, choices=JurisdictionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    path = models.CharField(_("路径"), max_length=255, unique=True, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = pgettext_lazy("plural", "行政区划")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="jurisdiction_path_prefix", opclasses=["varchar_pattern_ops"]
            )
        ]
        constraints = [
            # The root is a province or a city; a province is always a root, everything
            # below a city has a parent.
            models.CheckConstraint(
                condition=Q(
                    parent__isnull=True,
                    level__in=[JurisdictionLevel.PROVINCE, JurisdictionLevel.CITY],
                )
                | (~Q(level=JurisdictionLevel.PROVINCE) & Q(parent__isnull=False)),
                name="jurisdiction_root_is_province_or_city",
            ),
        ]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        # The path is structure, not a business rule: it must follow the parent on every
        # save, and the nodes below follow it (a city put under its province).
        old_path = self.path
        self.path = f"{self.parent.path if self.parent else ''}{self.code}/"
        with transaction.atomic():
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                Jurisdiction.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr("path", len(old_path) + 1))
                )


class Authority(EnglishNameMixin, models.Model):
    """An authority that runs the exposure regime over a node of the administrative tree (a
    city today; a province, county or district as well): what the printed notices, letters
    and public pages say of it, and the rules of its regime.

    A rule or text left empty is inherited from the nearest authority above it, then from the
    deployment's defaults in settings (``registry.authorities.authority_rules``). Migration
    0012 made a one-city database's settings its city's authority.
    """

    jurisdiction = models.OneToOneField(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="authority",
        verbose_name=_("行政区划"),
    )
    name = models.CharField(_("机关名称"), max_length=128)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    regulation = models.CharField(
        _("公示依据"),
        max_length=200,
        blank=True,
        help_text=_("公告序言引用的规定，如《惠州市安全生产新闻媒体公示曝光制度》。"),
    )
    hotline = models.CharField(_("举报电话"), max_length=32, blank=True)
    newspapers = models.CharField(
        _("公示报刊"),
        max_length=200,
        blank=True,
        help_text=_("刊登公告的报刊，多个以顿号分隔；发布批次时供选择。"),
    )
    map_script = models.CharField(
        _("地图边界文件"),
        max_length=128,
        blank=True,
        help_text=_("china-cities 包中的边界文件名，如 guang3_dong1_hui4_zhou1.js。"),
    )
    map_name = models.CharField(_("地图名称"), max_length=64, blank=True)
    objection_period_days = models.PositiveSmallIntegerField(
        _("异议期（天）"), null=True, blank=True
    )
    objection_period_unit = models.CharField(
        _("异议期计日方式"), max_length=16, choices=PeriodUnit.choices, blank=True
    )
    publicity_term_days = models.PositiveIntegerField(_("公示期限（天）"), null=True, blank=True)
    early_removal_after_days = models.PositiveIntegerField(
        _("整改核实后可提前移出（天）"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("公示机关")
        verbose_name_plural = pgettext_lazy("plural", "公示机关")
        ordering = ["jurisdiction__path"]

    def clean(self) -> None:
        # The map page loads the outline as a static file: a name that is not among them
        # would break every page that draws the map.
        from django.contrib.staticfiles import finders

        if self.map_script and not finders.find(f"vendor/china-cities/{self.map_script}"):
            raise ValidationError(
                {"map_script": _("找不到该地图边界文件：%(name)s") % {"name": self.map_script}}
            )


class Industry(EnglishNameMixin, models.Model):
    """行业."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = pgettext_lazy("plural", "行业")
        ordering = ["sort_order", "name"]


class Department(EnglishNameMixin, models.Model):
    """行政主管部门: a supervising department that follows an exposed unit's rectification."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    name_en = models.CharField(_("英文名称"), max_length=255, blank=True)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("所属区划"),
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("主管部门")
        verbose_name_plural = pgettext_lazy("plural", "主管部门")
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="department_unique_name"),
        ]


class LegalProvision(models.Model):
    """法律依据: one article of an act or regulation."""

    act = models.CharField(_("法律法规"), max_length=128)
    article = models.CharField(_("条款"), max_length=64)
    text = models.TextField(_("条文"))

    class Meta:
        verbose_name = _("法律依据")
        verbose_name_plural = pgettext_lazy("plural", "法律依据")
        ordering = ["act", "id"]
        constraints = [
            models.UniqueConstraint(fields=["act", "article"], name="legal_provision_unique"),
        ]

    def __str__(self) -> str:
        return f"《{self.act}》{self.article}"


class StaffProfile(models.Model):
    """Where a staff member works: city-level staff carry the city, district staff a district."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("用户"),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="staff", verbose_name=_("辖区")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("所属部门"),
    )
    phone = models.CharField(_("电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("工作人员资料")
        verbose_name_plural = pgettext_lazy("plural", "工作人员资料")

    def __str__(self) -> str:
        return f"{self.user} · {self.jurisdiction}"


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


class Inspection(models.Model):
    """A visit to an enterprise and what it found (its findings)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("单位")
    )
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


class AuditRecord(models.Model):
    """One create, change or workflow move of a record, of any app: the history row.

    Written by the services in the same transaction as the change, never by a signal, so no
    change lands without its row. ``changes`` maps each field's name to
    ``{"label": ..., "old": ..., "new": ...}`` as shown to people at the time. A workflow move
    (core.workflow) names its ``move`` and carries the person's ``comment``; a move the
    system makes (a job, another workflow's side effect) has no ``actor``.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("创建")
        CHANGED = "changed", _("修改")
        MOVED = "moved", _("流转")

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("对象类型")
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    changes = models.JSONField(_("变更内容"), default=dict)
    # The workflow move (core.workflow.Move.name) and the reason given with it.
    move = models.CharField(_("流转"), max_length=32, blank=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = pgettext_lazy("plural", "操作记录")
        ordering = ["-at", "-id"]
        indexes = [
            # A record's page lists its history, newest first.
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_by_object"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} {self.action}"


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
