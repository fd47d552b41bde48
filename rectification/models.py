"""Cases (整改跟踪): what happens after a unit is exposed.

Knows enterprises and findings (registry), never batches or entries (publicity): the entry
points at its case, not the other way round.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.calendar import Deadline, recorded_deadline
from rectification.enums import (
    CaseGoal,
    CaseStatus,
    EventKind,
    ReminderDelivery,
    ReminderKind,
    ReplyStatus,
)
from registry.enums import Disposition
from registry.validators import validate_phone


def overdue_condition(today: datetime.date) -> Q:
    """Overdue, defined once: active, its deadline passed; derived from the indexed deadline
    (the active cases' partial indexes, rectification/0014), never stored."""
    return Q(status__in=CaseStatus.active(), deadline__lt=today)


class CaseQuerySet(models.QuerySet["Case"]):
    def active(self) -> CaseQuerySet:
        return self.filter(status__in=CaseStatus.active())

    def overdue(self, today: datetime.date | None = None) -> CaseQuerySet:
        """Active cases past their deadline (:func:`overdue_condition`)."""
        return self.filter(overdue_condition(today or timezone.localdate()))


class Case(models.Model):
    """The rectification of one exposed unit's findings to a deadline."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("单位"),
    )
    findings = models.ManyToManyField(
        "registry.Finding", related_name="cases", verbose_name=_("检查发现")
    )
    # Where its findings were found (its principal finding's inspection's place), copied when
    # the case is opened: staff are scoped to a case by this one indexed column rather than
    # through case → finding → inspection, and a unit inspected in two cities has each
    # city's case in that city.
    place = models.ForeignKey(
        "registry.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("检查地点"),
    )
    disposition = models.CharField(_("处理措施"), max_length=32, choices=Disposition.choices)
    goal = models.CharField(_("跟踪目标"), max_length=16, choices=CaseGoal.choices)
    status = models.CharField(
        _("状态"), max_length=32, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    deadline = models.DateField(_("整改期限"))
    # Set when the deadline as reckoned fell on a rest day and moved to the next working day
    # (Civil Code art. 203): the day it was reckoned as and the holiday's name ("" for a weekend).
    deadline_moved_from = models.DateField(_("整改期限原定日期"), null=True, blank=True)
    deadline_holiday = models.CharField(
        _("整改期限顺延所逢假日"), max_length=32, blank=True, db_default=""
    )
    department = models.ForeignKey(
        "registry.Department",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("跟踪整改责任单位"),
    )
    responsible_person = models.CharField(_("责任人"), max_length=64)
    responsible_phone = models.CharField(
        _("责任人电话"), max_length=32, blank=True, validators=[validate_phone]
    )
    responsible_email = models.EmailField(_("责任人邮箱"), blank=True)
    opened_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报督查时间"), null=True, blank=True)
    # Awaiting a contact: a reminder of the case reached no one and it still has no
    # responsible person's e-mail (the "提醒无法送达" queue, rectification.selectors). Kept by
    # the database (migration 0017's triggers on the reminders and on the case's e-mail),
    # whoever writes, and read from it; the partial index below is the queue, by place.
    awaiting_contact = models.BooleanField(_("待补充联系方式"), default=False, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改跟踪")
        verbose_name_plural = pgettext_lazy("plural", "整改跟踪")
        ordering = ["deadline", "id"]
        # The moves of the CASE table (rectification.workflows) and how far one sees.
        permissions = [
            ("record_case_progress", _("可记录整改进展和单位的复查申请")),
            ("reinspect_case", _("可记录复查结果")),
            ("extend_case_deadline", _("可延长整改期限")),
            ("supervise_case", _("可记录督查")),
            ("issue_case_letter", _("可签发整改通知书")),
            ("change_case_contact", _("可更新责任人联系方式")),
            ("view_area_cases", _("可查看辖区内全部整改跟踪")),
            ("view_overdue_cases", _("可查看辖区内逾期及上报督查的整改跟踪")),
        ]
        indexes = [
            # Overdue and due-soon sweeps: a range scan over active cases by deadline.
            models.Index(fields=["status", "deadline"], name="case_status_deadline"),
            models.Index(fields=["department", "status", "deadline"], name="case_dept_queue"),
            # The work queues (rectification.selectors.queue_cases): active cases only, in
            # the lists' order, so a page and a count that stops early read a few hundred
            # index rows rather than sorting and counting the active third of the cases.
            models.Index(
                fields=["deadline", "id"],
                condition=Q(status__in=CaseStatus.active()),
                name="case_active_by_deadline",
            ),
            # The same cases by unit (a unit's page, its reminders).
            models.Index(
                fields=["enterprise", "deadline"],
                include=["status", "escalated_at"],
                condition=Q(status__in=CaseStatus.active()),
                name="case_active_by_enterprise",
            ),
            # The undeliverable-reminder queue by place: a city's or a district's is a range
            # of this index (its cases were found among the province's by their reminders).
            models.Index(
                fields=["place", "deadline"],
                condition=Q(awaiting_contact=True),
                name="case_awaiting_contact_place",
            ),
            # The same cases by place, for staff scoped to a district: their queue counts walk
            # the district's places and read each place's active cases from this index alone.
            models.Index(
                fields=["place", "deadline"],
                include=["status", "escalated_at"],
                condition=Q(status__in=CaseStatus.active()),
                name="case_active_by_place",
            ),
            # A department's active cases in the lists' order (the liaisons' queues).
            models.Index(
                fields=["department", "deadline", "id"],
                condition=Q(status__in=CaseStatus.active()),
                name="case_active_by_department",
            ),
            # The escalated ones among them (the supervisors' count): a handful of rows.
            models.Index(
                fields=["deadline", "id"],
                condition=Q(status__in=CaseStatus.active(), escalated_at__isnull=False),
                name="case_escalated_by_deadline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.active(), closed_on__isnull=True)
                | (~Q(status__in=CaseStatus.active()) & Q(closed_on__isnull=False)),
                name="case_closed_on_iff_finished",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opened_on")), name="case_deadline_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_status_display()}"

    @property
    def deadline_info(self) -> Deadline:
        """The deadline with why it moved, if it did."""
        return recorded_deadline(self.deadline, self.deadline_moved_from, self.deadline_holiday)

    @property
    def awaiting_reinspection(self) -> bool:
        return self.status == CaseStatus.REINSPECTION_REQUESTED

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status in CaseStatus.active() and self.deadline < (
            today or timezone.localdate()
        )


def event_upload_to(instance: EventEvidence, filename: str) -> str:
    return f"evidence/case/{instance.event.case_id}/{filename}"


class Event(models.Model):
    """One line of a case's timeline; append-only."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="events", verbose_name=_("整改跟踪")
    )
    kind = models.CharField(_("类型"), max_length=32, choices=EventKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    from_status = models.CharField(
        _("原状态"), max_length=32, choices=CaseStatus.choices, blank=True
    )
    to_status = models.CharField(_("新状态"), max_length=32, choices=CaseStatus.choices, blank=True)
    new_deadline = models.DateField(_("新整改期限"), null=True, blank=True)
    text = models.TextField(_("说明"), blank=True)
    is_public = models.BooleanField(_("公开"), default=False)
    # The reminder a "reminder sent" or "escalated" event records: the timeline shows it in
    # the reader's language from its facts (``text`` keeps it as sent).
    reminder = models.ForeignKey(
        "Reminder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("提醒"),
    )

    class Meta:
        verbose_name = _("跟踪记录")
        verbose_name_plural = pgettext_lazy("plural", "跟踪记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.get_kind_display()}"


class EventEvidence(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("跟踪记录")
    )
    file = models.FileField(_("文件"), upload_to=event_upload_to, max_length=255)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("类型"), max_length=64)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = _("整改证据")
        verbose_name_plural = pgettext_lazy("plural", "整改证据")

    def __str__(self) -> str:
        return self.original_name


class Reminder(models.Model):
    """One reminder sent. Unique on (case, kind, occasion) so a sweep that runs twice sends
    nothing twice: the row is written in the same transaction as the decision to send."""

    # No index of its own: the unique (case, kind, occasion) index below starts with it, and
    # one index less is one write less for each of the sweep's many reminders.
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name=_("整改跟踪"),
        db_index=False,
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ReminderKind.choices)
    # Which occasion of that kind: "7", "3", "1" days before; the overdue week number; …
    occasion = models.CharField(_("时点"), max_length=32)
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    # What the reminder said, as decided (the email outbox sends this text).
    subject = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("内容"), blank=True)
    # The same in no language (unit, deadline, days, department, person), so pages show the
    # reminder in the reader's language (rectification.reminders.reminder_shown).
    facts = models.JSONField(_("提醒要素"), default=dict, blank=True)
    # The email outbox: pending until the emails of this reminder went out (``emailed_at``
    # set), or until the outbox found no address for it. A sweep killed between committing
    # the row and sending finds it pending and sends it on its next run.
    delivery = models.CharField(
        _("送达情况"),
        max_length=16,
        choices=ReminderDelivery.choices,
        default=ReminderDelivery.PENDING,
    )
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = pgettext_lazy("plural", "提醒")
        indexes = [
            # The email outbox: reminders whose emails have not gone out yet.
            models.Index(
                fields=["id"],
                condition=Q(delivery=ReminderDelivery.PENDING),
                name="reminder_email_pending",
            ),
            # The dashboard's reminders that reached no one: by case (the queue's filter), and
            # newest first (its order: the cases of the latest ones, without ranking all).
            models.Index(
                fields=["case"],
                condition=Q(delivery=ReminderDelivery.UNDELIVERABLE),
                name="reminder_undeliverable",
            ),
            models.Index(
                fields=["-sent_at", "case"],
                condition=Q(delivery=ReminderDelivery.UNDELIVERABLE),
                name="reminder_undeliverable_latest",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "occasion"], name="reminder_once_per_occasion"
            ),
            models.CheckConstraint(
                condition=Q(delivery=ReminderDelivery.EMAILED, emailed_at__isnull=False)
                | (~Q(delivery=ReminderDelivery.EMAILED) & Q(emailed_at__isnull=True)),
                name="reminder_emailed_at_iff_emailed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.kind} · {self.occasion}"


class InboxMessage(models.Model):
    """A message in a staff member's in-app inbox: a case's reminders and escalations, and
    the notice of a new holder of a role that approves or administers (core.role_grants)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbox_messages",
        verbose_name=_("收件人"),
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbox_messages",
        verbose_name=_("整改跟踪"),
    )
    # The grant a notice of a new approver or administrator tells of (no case then).
    role_grant = models.ForeignKey(
        "core.RoleGrant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("角色授予"),
    )
    reminder = models.ForeignKey(
        Reminder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbox_messages",
        verbose_name=_("提醒"),
    )
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = pgettext_lazy("plural", "站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header's unread count and the inbox page, newest first.
            models.Index(fields=["recipient", "read_at", "-created_at"], name="inbox_recipient"),
        ]
        constraints = [
            # One message per recipient per reminder, however often the sweep runs.
            models.UniqueConstraint(
                fields=["reminder", "recipient"], name="inbox_once_per_reminder"
            ),
            models.UniqueConstraint(
                fields=["role_grant", "recipient"], name="inbox_once_per_role_grant"
            ),
            # About a case or a role grant, never neither.
            models.CheckConstraint(
                condition=Q(case__isnull=False) | Q(role_grant__isnull=False),
                name="inbox_about_case_or_role_grant",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


def access_letter_upload_to(instance: AccessCode, filename: str) -> str:
    return f"letters/case/{instance.case_id}/{filename}"


class AccessCode(models.Model):
    """The unit's access code printed on its rectification notice letter (整改通知书).

    Only a SHA-256 of the code is kept: the code itself exists on paper. Issuing a new letter
    revokes the earlier code; a code works only while its case is active.
    """

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="access_codes", verbose_name=_("整改跟踪")
    )
    code_hash = models.CharField(_("访问码摘要"), max_length=64, unique=True)
    issued_at = models.DateTimeField(_("签发时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    # The letter that carries this code, kept for staff to print and send again; served only
    # to staff who may act on the case (it holds the code in clear).
    letter = models.FileField(
        _("整改通知书"), upload_to=access_letter_upload_to, blank=True, max_length=255
    )

    class Meta:
        verbose_name = _("单位访问码")
        verbose_name_plural = pgettext_lazy("plural", "单位访问码")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(revoked_at__isnull=True), name="access_code_one_live"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.issued_at:%Y-%m-%d}"


def reply_upload_to(instance: Reply, filename: str) -> str:
    return f"evidence/reply/{instance.case_id}/{filename}"


class ReplyQuerySet(models.QuerySet["Reply"]):
    def published(self) -> ReplyQuerySet:
        return self.filter(status=ReplyStatus.PUBLISHED)

    def pending(self) -> ReplyQuerySet:
        return self.filter(status=ReplyStatus.SUBMITTED)


class Reply(models.Model):
    """The unit's public answer to its entry (单位回应), in its own words.

    Submitted through the unit's access code; a member of staff publishes it (the public sees
    ``published_text``, which may have personal data taken out) or refuses it with a reason
    the unit sees. ``text`` stays as the unit typed it, for staff. Moved only by the REPLY
    table's transition function (``rectification.replies.reply_transition``).
    """

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="replies", verbose_name=_("整改跟踪")
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ReplyStatus.choices, default=ReplyStatus.SUBMITTED
    )
    text = models.TextField(_("单位提交的原文"))
    published_text = models.TextField(_("公开的文本"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    refusal_reason = models.TextField(_("不予公开的理由"), blank=True)
    # One optional photo or PDF, checked by core.uploads; shown to staff only.
    attachment = models.FileField(_("附件"), upload_to=reply_upload_to, blank=True, max_length=255)
    attachment_name = models.CharField(_("附件原文件名"), max_length=255, blank=True)
    attachment_type = models.CharField(_("附件类型"), max_length=64, blank=True)
    attachment_size = models.PositiveIntegerField(_("附件大小（字节）"), null=True, blank=True)
    attachment_sha256 = models.CharField(_("附件 SHA-256"), max_length=64, blank=True)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位回应")
        verbose_name_plural = pgettext_lazy("plural", "单位回应")
        ordering = ["submitted_at", "id"]
        # The moves of the REPLY table (rectification.reply_workflow).
        permissions = [("moderate_reply", _("可审核单位回应"))]
        indexes = [
            # The moderation queue: replies awaiting a decision, oldest first.
            models.Index(fields=["status", "submitted_at"], name="reply_status_submitted"),
        ]
        constraints = [
            # A unit waits for the decision on its reply before it sends another.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status=ReplyStatus.SUBMITTED),
                name="reply_one_pending_per_case",
            ),
            models.CheckConstraint(
                condition=Q(status=ReplyStatus.SUBMITTED)
                | (Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
                name="reply_decided_with_decider",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReplyStatus.PUBLISHED) | ~Q(published_text=""),
                name="reply_published_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReplyStatus.REFUSED) | ~Q(refusal_reason=""),
                name="reply_refused_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} · {self.get_status_display()}"
