"""The outbox: jobs written in the transaction that needs them and sent to the broker after
commit (OutboxJob), for the documents a batch's moves build (PublicationJob) and the large
downloads of the public list (ExportJob).
"""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from publicity.enums import ExportFormat, ExportStatus
from publicity.models.batches import Batch


class OutboxJob(models.Model):
    """A job written in the transaction that needs it and sent to the broker after commit;
    the beat sweep (``publicity.services.outbox``) sends again whatever looks lost. The
    fields below are the outbox's bookkeeping; each concrete job adds what it builds."""

    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    dispatched_at = models.DateTimeField(_("最近派发时间"), null=True, blank=True)
    # Recorded (and committed) by the task before it builds: the started-marker of a run.
    started_at = models.DateTimeField(_("最近开始时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("运行次数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        abstract = True


class PublicationJob(OutboxJob):
    """The outbox of the batch workflow: a document that must be built because a move committed.

    Written in the same transaction as the approval (letters) or the finalisation (notice), so
    the job survives a broker that was down at commit; the beat job
    ``publicity.dispatch_publication_jobs`` sends again whatever is still unfinished.
    """

    class Kind(models.TextChoices):
        LETTERS = "letters", _("告知书")
        NOTICE = "notice", _("公告")

    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("批次")
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("生成任务")
        verbose_name_plural = pgettext_lazy("plural", "生成任务")
        ordering = ["created_at", "id"]
        indexes = [
            # The re-dispatch sweep reads only unfinished jobs.
            models.Index(
                fields=["created_at"],
                condition=Q(finished_at__isnull=True),
                name="publication_job_unfinished",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["batch", "kind"], name="publication_job_once"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} · {self.kind}"


def export_token() -> str:
    return secrets.token_urlsafe(24)


class ExportJob(OutboxJob):
    """导出任务: a download of the public list too large to stream within the web timeout,
    written to a file by a worker (``publicity.build_export``) and served by a view.

    One job serves every request for the same filters, format and language within
    ``EXPORT_JOB_REUSE_MINUTES``; its file is deleted ``EXPORT_FILE_RETENTION_HOURS`` after
    it was made (``publicity.purge_exports``).
    """

    # The job's address on the public site: not guessable, so a person's filters stay theirs.
    token = models.CharField(_("链接标识"), max_length=40, unique=True, default=export_token)
    # SHA-256 of (filters, format, language): the identity under which requests share a job.
    key = models.CharField(_("请求摘要"), max_length=64)
    filters = models.JSONField(_("筛选条件"), default=dict)
    format = models.CharField(_("格式"), max_length=8, choices=ExportFormat.choices)
    language = models.CharField(_("语言"), max_length=16)
    status = models.CharField(
        _("状态"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    file = models.FileField(_("文件"), upload_to="exports/", blank=True, max_length=255)
    row_count = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = pgettext_lazy("plural", "导出任务")
        ordering = ["created_at", "id"]
        indexes = [
            # The reuse lookup: the latest job of one key.
            models.Index(fields=["key", "created_at"], name="export_job_key_recent"),
            # The outbox sweep reads only unfinished jobs; the purge reads by age.
            models.Index(
                fields=["created_at"],
                condition=Q(finished_at__isnull=True),
                name="export_job_unfinished",
            ),
            models.Index(fields=["created_at"], name="export_job_created"),
        ]

    def __str__(self) -> str:
        return f"{self.format} · {self.created_at:%Y-%m-%d %H:%M} · {self.status}"
