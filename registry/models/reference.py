"""The reference data every record points at: the administrative tree (Jurisdiction), the
authorities that run the regime over it, industries, supervising departments, legal
provisions, and where each staff member works (StaffProfile). Rows named in both
languages share EnglishNameMixin.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.enums import PeriodUnit
from registry.enums import JurisdictionLevel


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
    # The authority's public site at /<site_slug>/ (public.sites); none: the authority has no
    # site of its own (a province's is the root, a county's entries are on its city's).
    site_slug = models.SlugField(
        _("网站路径"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("该机关公众网站的地址路径，如 huizhou 即 /huizhou/；留空则无单独网站。"),
    )
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

        if self.site_slug == "":
            self.site_slug = None
        if self.site_slug:
            from core.urls_reserved import reserved_first_segments

            own_code = self.jurisdiction_id is not None and self.site_slug == self.jurisdiction.code
            reserved = self.site_slug in reserved_first_segments()
            if reserved or (self.site_slug.isdigit() and not own_code):
                raise ValidationError(
                    {
                        "site_slug": _("该路径已被系统占用或为纯数字：%(slug)s")
                        % {"slug": self.site_slug}
                    }
                )
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
