"""The history row of every app's records (AuditRecord), written by registry.history in the
same transaction as the change it records.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
