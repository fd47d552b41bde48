"""Serializers of the read-only open-data API: printed, public fields only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from publicity.models import Batch, Entry
from publicity.public.selectors import entry_badge
from registry.models import Enterprise


class ReplySerializer(serializers.Serializer[dict[str, str]]):
    """A reply from the unit, in its own words, as published after moderation."""

    date = serializers.DateField()
    text = serializers.CharField()


class EntrySerializer(serializers.ModelSerializer):
    batch = serializers.CharField(source="batch.label")
    batch_id = serializers.IntegerField()
    printed_number = serializers.IntegerField(help_text=_("本条目在所属批次公告中刊登的序号。"))
    credit_code = serializers.CharField(
        help_text=_("刊登时的统一社会信用代码；没有代码的单位为空。")
    )
    district = serializers.CharField(source="district.name")
    industry = serializers.CharField(source="industry.name")
    category_label = serializers.CharField(source="get_category_display")
    disposition_label = serializers.CharField(source="get_disposition_display")
    department = serializers.CharField(source="department.name")
    rectification_deadline_moved_from = serializers.DateField(
        allow_null=True,
        help_text=_(
            "整改期限按期间推算的最后一日若为休息日，顺延至下一个工作日；这里是顺延前的日期，"
            "未顺延时为空。"
        ),
    )
    rectification_deadline_moved_reason = serializers.SerializerMethodField(
        help_text=_("整改期限顺延的原因（按请求的语言），未顺延时为空字符串。")
    )
    rectification_status = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "id",
            "batch",
            "batch_id",
            "published_on",
            "printed_number",
            "unit_name",
            "credit_code",
            "address",
            "district",
            "industry",
            "violation_text",
            "category",
            "category_label",
            "disposition",
            "disposition_label",
            "rectification_deadline",
            "rectification_deadline_moved_from",
            "rectification_deadline_moved_reason",
            "department",
            "responsible_person",
            "status",
            "rectification_status",
            "replies",
            "url",
        ]

    def get_rectification_deadline_moved_reason(self, entry: Entry) -> str:
        """Why the printed deadline moved off a rest day, as the pages print it."""
        return entry.deadline_info.reason

    @extend_schema_field(
        serializers.ChoiceField(choices=["rectifying", "overdue", "rectified", "closed", "removed"])
    )
    def get_rectification_status(self, entry: Entry) -> str:
        return entry_badge(entry).slug

    @extend_schema_field(ReplySerializer(many=True))
    def get_replies(self, entry: Entry) -> list[dict[str, str]]:
        """The unit's published replies (单位回应), in its own words: annotated on the
        queryset by the view (``selectors.with_public_replies``), no query per row."""
        return list(getattr(entry, "public_replies", None) or [])

    def get_url(self, entry: Entry) -> str:
        return reverse("public:entry-detail", args=[entry.pk])


class BatchSerializer(serializers.ModelSerializer):
    label = serializers.CharField()
    notice_url = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = [
            "id",
            "label",
            "year",
            "number",
            "published_on",
            "outlet",
            "notice_sha256",
            "notice_url",
        ]

    def get_notice_url(self, batch: Batch) -> str | None:
        if not batch.notice_pdf:
            return None
        return reverse("public:batch-notice", args=[batch.pk])


class EnterpriseSerializer(serializers.ModelSerializer):
    district = serializers.CharField(source="jurisdiction.name")
    industry = serializers.CharField(source="industry.name")
    entries = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "district", "industry", "entries"]

    def get_entries(self, enterprise: Enterprise) -> list[int]:
        # Prefetched (public entries only) by the view: no query per row.
        return [entry.pk for entry in enterprise.public_entries]  # type: ignore[attr-defined]


class StatisticsSerializer(serializers.Serializer[dict[str, Any]]):
    published_entries = serializers.IntegerField()
    dispositions = serializers.ListField(child=serializers.DictField())
    districts = serializers.ListField(child=serializers.DictField())
    industries = serializers.ListField(child=serializers.DictField())
    years = serializers.ListField(child=serializers.DictField())
    cases_finished = serializers.IntegerField()
    cases_on_time = serializers.IntegerField()
    cases_active = serializers.IntegerField()
    cases_overdue = serializers.IntegerField()
    on_time_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    period = serializers.DictField()
    previous_period = serializers.DictField()
    accidents = serializers.ListField(child=serializers.DictField())
