"""Fixed vocabularies of the regime (DESIGN.md). Labels are the Chinese terms; the English
catalogue (locale/en) translates them. Values are stable English slugs stored in the database.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
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

    @classmethod
    def by_severity(cls) -> tuple["Disposition", ...]:
        """Every disposition, the most severe first: what a unit's entry prints when its
        findings ask for different measures (one entry per unit per batch).

        Severity is how much of the unit's operation the measure ends:

        - 依法关闭 (closed by law) and 依法取缔 (banned) end the unit; their follow-up checks it
          stays shut (:meth:`ending_operation`). Closure comes first: the people's government
          decides it and the unit's licences are revoked with it, while a ban ends an
          operation that had none to revoke. Between these two only the printed word differs.
        - 责令停产停业整顿 (suspended for overhaul) stops all production and business until the
          unit is overhauled and passes acceptance; 停产停业 (suspended) stops all of it too,
          without the ordered overhaul, so it ranks below.
        - 停工整改 (work stopped for rectification) stops only the work with the hazard.
        - 限期整改 (rectify by a deadline) lets the unit operate while it rectifies.
        """
        return (
            cls.CLOSED,
            cls.BANNED,
            cls.SUSPENDED_FOR_OVERHAUL,
            cls.SUSPENDED,
            cls.WORK_STOPPED,
            cls.RECTIFY_BY_DEADLINE,
        )

    @classmethod
    def most_severe(cls, dispositions: Iterable[str]) -> "Disposition":
        """The most severe of ``dispositions`` (:meth:`by_severity`); at least one is needed."""
        given = {cls(value) for value in dispositions}
        if not given:
            raise ValueError("most_severe() needs at least one disposition")
        return next(disposition for disposition in cls.by_severity() if disposition in given)


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
