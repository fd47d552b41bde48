"""Reports and consultations from the public (举报投诉 / 咨询); their workflow, services and
pages are publicity.submissions'.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from publicity.enums import SubmissionKind, SubmissionStatus


class Submission(models.Model):
    """举报投诉 / 咨询 from the public. Anonymous allowed.

    The submitter's name and contact are visible only to staff holding
    ``publicity.view_submitter_identity`` and never on any public page, feed, export or API.
    """

    kind = models.CharField(_("类型"), max_length=16, choices=SubmissionKind.choices)
    tracking_code = models.CharField(_("查询码"), max_length=32, unique=True)
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("内容"))
    unit_name = models.CharField(_("被举报单位"), max_length=200, blank=True)
    district = models.ForeignKey(
        "registry.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("县区"),
    )
    is_anonymous = models.BooleanField(_("匿名"), default=True)
    submitter_name = models.CharField(_("姓名"), max_length=64, blank=True)
    submitter_contact = models.CharField(_("联系方式"), max_length=128, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    public_reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("举报咨询")
        verbose_name_plural = pgettext_lazy("plural", "举报咨询")
        ordering = ["-created_at", "-id"]
        permissions = [("view_submitter_identity", _("可查看举报人身份及联系方式"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(submitter_name="", submitter_contact=""),
                name="submission_anonymous_has_no_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} · {self.subject}"
