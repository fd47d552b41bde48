"""Fixed vocabularies of the regime (DESIGN.md). Labels are the Chinese terms; the English
catalogue (locale/en) translates them. Values are stable English slugs stored in the database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("县区")  # county or district
    TOWNSHIP = "township", _("乡镇街道")  # township or street office


class ExposureCategory(models.TextChoices):
    """曝光种类: why a unit is exposed."""

    ILLEGAL_OPERATION = "illegal_operation", _("非法生产经营")
    MAJOR_HAZARD = "major_hazard", _("存在重大事故隐患")
    LACKING_CONDITIONS = "lacking_conditions", _("不具备安全生产条件")
    ACCIDENT = "accident", _("发生生产安全事故")


class Disposition(models.TextChoices):
    """依法处理的种类: what the law does to the unit."""

    BANNED = "banned", _("依法取缔")
    SUSPENDED_FOR_OVERHAUL = "suspended_for_overhaul", _("责令停产停业整顿")
    WORK_STOPPED = "work_stopped", _("停工整改")
    RECTIFY_BY_DEADLINE = "rectify_by_deadline", _("限期整改")
    SUSPENDED = "suspended", _("停产停业")
    CLOSED = "closed", _("依法关闭")

    @classmethod
    def ending_operation(cls) -> frozenset["Disposition"]:
        """Dispositions whose follow-up verifies the unit stays shut rather than rectified."""
        return frozenset({cls.BANNED, cls.CLOSED})


class LicenceStatus(models.TextChoices):
    COMPLETE = "complete", _("证照齐全")
    INCOMPLETE = "incomplete", _("证照不全")
    NONE = "none", _("无证照")


class OperatingStatus(models.TextChoices):
    OPERATING = "operating", _("在营")
    SUSPENDED = "suspended", _("停产停业")
    CLOSED = "closed", _("关闭")
    BANNED = "banned", _("取缔")


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("日常检查")
    SPECIAL_CAMPAIGN = "special_campaign", _("专项检查")


class CampaignBasis(models.TextChoices):
    """What a special campaign is organised by."""

    PERIOD = "period", _("按时段")
    NEED = "need", _("按需要")
    INDUSTRY = "industry", _("按行业")


class AccidentKind(models.TextChoices):
    ROAD_TRAFFIC = "road_traffic", _("道路交通事故")
    FIRE = "fire", _("火灾事故")
    INDUSTRIAL = "industrial", _("工矿商贸事故")
    CONSTRUCTION = "construction", _("建筑施工事故")
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("危险化学品事故")
    OTHER = "other", _("其他事故")
