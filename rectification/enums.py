"""Vocabularies of rectification follow-up (跟踪整改)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseGoal(models.TextChoices):
    """What closes the case; it follows the disposition (DESIGN.md)."""

    RECTIFY = "rectify", _("整改消除隐患")
    VERIFY_CLOSURE = "verify_closure", _("核实关停")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    REINSPECTION_REQUESTED = "reinspection_requested", _("已申请复查")
    RECTIFIED = "rectified", _("已整改")
    CLOSURE_VERIFIED = "closure_verified", _("已核实关停")
    CANCELLED = "cancelled", _("已撤销")

    @classmethod
    def active(cls) -> list["CaseStatus"]:
        return [cls.OPEN, cls.REINSPECTION_REQUESTED]

    @classmethod
    def finished(cls) -> list["CaseStatus"]:
        """Rectified, or the closure of a banned or closed unit verified."""
        return [cls.RECTIFIED, cls.CLOSURE_VERIFIED]


class EventKind(models.TextChoices):
    OPENED = "opened", _("立案跟踪")
    PROGRESS = "progress", _("整改进展")
    REINSPECTION_REQUESTED = "reinspection_requested", _("申请复查")
    REINSPECTION_PASSED = "reinspection_passed", _("复查合格")
    REINSPECTION_FAILED = "reinspection_failed", _("复查不合格")
    DEADLINE_EXTENDED = "deadline_extended", _("延长整改期限")
    SUPERVISION = "supervision", _("督查")
    REMINDER_SENT = "reminder_sent", _("发送提醒")
    ESCALATED = "escalated", _("上报督查")
    CANCELLED = "cancelled", _("撤销")
    LETTER_ISSUED = "letter_issued", _("签发整改通知书")
    CONTACT_CHANGED = "contact_changed", _("更新责任人联系方式")


class ReminderKind(models.TextChoices):
    BEFORE_DEADLINE = "before_deadline", _("到期前提醒")
    OVERDUE = "overdue", _("逾期提醒")
    ESCALATION = "escalation", _("逾期上报")


class ReminderDelivery(models.TextChoices):
    """What became of a reminder's e-mail (the outbox in rectification.reminders)."""

    PENDING = "pending", _("待发送")
    EMAILED = "emailed", _("已发送邮件")
    # No address, but the department's liaisons have it in their in-app inbox.
    INBOX_ONLY = "inbox_only", _("仅站内消息")
    # No address and no one's inbox: the reminder reached no one.
    UNDELIVERABLE = "undeliverable", _("无法送达")


class ReplyStatus(models.TextChoices):
    """The unit's reply (单位回应) to its entry, moderated by staff before the public sees it."""

    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已公开")
    REFUSED = "refused", _("未予公开")
