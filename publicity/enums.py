"""Vocabularies of publication (公示曝光)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已批准（告知期）")
    FINALISED = "finalised", _("已定稿")
    PUBLISHED = "published", _("已公示")

    @classmethod
    def approved_or_later(cls) -> list["BatchStatus"]:
        return [cls.APPROVED, cls.FINALISED, cls.PUBLISHED]


class EntryStatus(models.TextChoices):
    PLANNED = "planned", _("拟曝光")
    WITHDRAWN_ON_OBJECTION = "withdrawn_on_objection", _("异议成立，撤出")
    LISTED = "listed", _("公示中")
    WITHDRAWN_BY_ERRATUM = "withdrawn_by_erratum", _("经更正撤回")
    REMOVED = "removed", _("公示期满移出")

    @classmethod
    def published(cls) -> list["EntryStatus"]:
        """Printed in a published notice: on the list, or left it after publication."""
        return [cls.LISTED, cls.REMOVED, cls.WITHDRAWN_BY_ERRATUM]


class ObjectionDecision(models.TextChoices):
    PENDING = "pending", _("待决定")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")


class ErratumKind(models.TextChoices):
    CORRECT = "correct", _("更正")
    WITHDRAW = "withdraw", _("撤回")


class ErratumStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class SubmissionKind(models.TextChoices):
    REPORT = "report", _("举报投诉")
    CONSULTATION = "consultation", _("咨询")


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    IN_PROGRESS = "in_progress", _("处理中")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ExportStatus(models.TextChoices):
    """A background export's states (导出任务): queued → running → done or failed."""

    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未能生成")
