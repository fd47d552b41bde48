"""Serializers of the read-only open-data API: printed, public fields only."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.rows import choice_labels, url_shape
from public.selectors import BADGE_LABELS, entry_badge
from publicity.models import Batch, Entry
from registry.models import Enterprise


class ReplySerializer(serializers.Serializer[dict[str, str]]):
    """A reply from the unit, in its own words, as published after moderation."""

    date = serializers.DateField()
    text = serializers.CharField()


def _date(value: datetime.date | None) -> str | None:
    """A date as DRF's DateField gives it (ISO 8601), None as null."""
    return None if value is None else value.isoformat()


def _text(value: Any) -> str | None:
    """A value as DRF's CharField gives it, None as null."""
    return None if value is None else str(value)


def _label(batch: Any) -> str | None:
    return None if batch is None else str(batch.label)


def _name(related: Any) -> str | None:
    """A related row's name as a CharField with ``source="<relation>.name"`` gives it: null
    when there is no related row."""
    return None if related is None else str(related.name)


@dataclass(frozen=True)
class _EntryRowContext:
    """What every row of one response shares, looked up once: the labels in the request's
    language, today (for the overdue badge), the detail URL's shape."""

    language: str | None
    today: datetime.date
    categories: dict[str, str]
    dispositions: dict[str, str]
    badges: dict[str, str]
    url_head: str
    url_tail: str
    # Batch labels by batch id, filled as rows come: most rows of a page share a batch.
    batch_labels: dict[int, str | None]


def _entry_row_context() -> _EntryRowContext:
    head, tail = url_shape("public:entry-detail")
    return _EntryRowContext(
        language=translation.get_language(),
        today=timezone.localdate(),
        categories=choice_labels(Entry, "category"),
        dispositions=choice_labels(Entry, "disposition"),
        badges={slug: str(label) for slug, label in BADGE_LABELS.items()},
        url_head=head,
        url_tail=tail,
        batch_labels={},
    )


# The declared fields are the API's contract (and its OpenAPI schema: no docstring here, it
# would become the schema's description); ``to_representation`` writes the same JSON
# directly, field by field, because DRF's generic path (an attribute walk per field,
# ``inspect.signature`` on every model method it calls, a translation lookup per label) cost
# more than reading the rows. tests/public/test_api_output.py holds the two paths
# to the same bytes.
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

    def _row_context(self) -> _EntryRowContext:
        # One serializer (the list's child) serves every row of a response: look up once.
        context: _EntryRowContext | None = self.__dict__.get("_entry_row_context")
        if context is None or context.language != translation.get_language():
            context = _entry_row_context()
            self.__dict__["_entry_row_context"] = context
        return context

    def to_representation(self, instance: Entry) -> dict[str, Any]:
        entry = instance
        row = self._row_context()
        printed_number = entry.printed_number
        moved_from = entry.rectification_deadline_moved_from
        category = entry.category
        disposition = entry.disposition
        status = entry.status
        if entry.batch_id not in row.batch_labels:
            row.batch_labels[entry.batch_id] = _label(entry.batch)
        batch_label = row.batch_labels[entry.batch_id]
        return {
            "id": int(entry.pk),
            "batch": batch_label,
            "batch_id": int(entry.batch_id),
            "published_on": _date(entry.published_on),
            "printed_number": None if printed_number is None else int(printed_number),
            "unit_name": _text(entry.unit_name),
            "credit_code": _text(entry.credit_code),
            "address": _text(entry.address),
            "district": _name(entry.district),
            "industry": _name(entry.industry),
            "violation_text": _text(entry.violation_text),
            "category": None if category is None else str(category),
            "category_label": row.categories.get(category, category),
            "disposition": None if disposition is None else str(disposition),
            "disposition_label": row.dispositions.get(disposition, disposition),
            "rectification_deadline": _date(entry.rectification_deadline),
            "rectification_deadline_moved_from": _date(moved_from),
            # A deadline that did not move has no reason: no calendar or gettext call.
            "rectification_deadline_moved_reason": (
                "" if moved_from is None else self.get_rectification_deadline_moved_reason(entry)
            ),
            "department": _name(entry.department),
            "responsible_person": _text(entry.responsible_person),
            "status": None if status is None else str(status),
            "rectification_status": entry_badge(entry, row.today, row.badges).slug,
            "replies": self.get_replies(entry),
            "url": f"{row.url_head}{entry.pk}{row.url_tail}",
        }

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
