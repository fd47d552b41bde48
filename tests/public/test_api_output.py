"""The entry API writes its rows directly (EntrySerializer.to_representation): the same bytes
as DRF's generic serializer path over the same declared fields, in both languages, for rows
of every shape (a deadline moved past a holiday or a weekend, removed, rectified, closed,
overdue, with published replies)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from core import roles
from public.api import EntryViewSet
from public.serializers import EntrySerializer
from publicity.enums import EntryStatus
from rectification.enums import CaseStatus
from rectification.replies import reply_publish, reply_submit
from registry.enums import Disposition, ExposureCategory
from tests.factories import ListedEntryFactory, PublishedBatchFactory, staff_user

pytestmark = pytest.mark.django_db


def _generic_rows(ids):
    """The rows as DRF's own ModelSerializer.to_representation writes them."""
    serializer = EntrySerializer()
    entries = {entry.pk: entry for entry in EntryViewSet().get_queryset().filter(pk__in=ids)}
    return [serializers.ModelSerializer.to_representation(serializer, entries[pk]) for pk in ids]


@pytest.fixture
def entries():
    batch = PublishedBatchFactory()
    today = timezone.localdate()
    holiday = ListedEntryFactory(
        batch=batch,
        rectification_deadline=datetime.date(2026, 10, 8),
        rectification_deadline_moved_from=datetime.date(2026, 10, 1),
        rectification_deadline_holiday="国庆节",
        category=ExposureCategory.ILLEGAL_OPERATION,
        disposition=Disposition.BANNED,
    )
    weekend = ListedEntryFactory(
        batch=batch,
        rectification_deadline=datetime.date(2026, 10, 12),
        rectification_deadline_moved_from=datetime.date(2026, 10, 10),
        address="",
        credit_code="",
    )
    sunday = ListedEntryFactory(
        batch=batch,
        rectification_deadline=datetime.date(2026, 10, 12),
        rectification_deadline_moved_from=datetime.date(2026, 10, 11),
    )
    removed = ListedEntryFactory(batch=batch, status=EntryStatus.REMOVED, case=None)
    rectified = ListedEntryFactory(batch=batch)
    rectified.case.status = CaseStatus.RECTIFIED
    rectified.case.closed_on = today
    rectified.case.save(update_fields=["status", "closed_on"])
    closed = ListedEntryFactory(batch=batch, unit_name='<b>"引号"&五金厂</b>')
    closed.case.status = CaseStatus.CLOSURE_VERIFIED
    closed.case.closed_on = today
    closed.case.save(update_fields=["status", "closed_on"])
    replied = ListedEntryFactory(batch=batch)
    replied.case.deadline = today + datetime.timedelta(days=10)
    replied.case.save(update_fields=["deadline"])
    official = staff_user("official", roles.OFFICIAL)
    for text in ("第一次回应", "第二次回应"):
        reply = reply_submit(case=replied.case, text=text)
        reply_publish(reply=reply, actor=official, published_text=text)
    overdue = ListedEntryFactory(batch=batch)
    return [holiday, weekend, sunday, removed, rectified, closed, replied, overdue]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_api_entry_list_bytes_equal_the_generic_serializer(client, entries, language):
    response = client.get(
        reverse("public:api-entry-list"), {"scope": "all"}, HTTP_ACCEPT_LANGUAGE=language
    )

    data = response.json()
    ids = [row["id"] for row in data["results"]]
    with translation.override(language):
        expected = JSONRenderer().render({**data, "results": _generic_rows(ids)})
    assert sorted(ids) == sorted(entry.pk for entry in entries)
    assert response.content == expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_api_entry_detail_bytes_equal_the_generic_serializer(client, entries, language):
    for entry in entries:
        response = client.get(
            reverse("public:api-entry-detail", args=[entry.pk]), HTTP_ACCEPT_LANGUAGE=language
        )

        with translation.override(language):
            expected = JSONRenderer().render(_generic_rows([entry.pk])[0])
        assert response.content == expected


def test_api_entry_schema_is_the_declared_fields_alone(client):
    schema = client.get(reverse("public:api-schema"), {"format": "json"}).json()

    component = schema["components"]["schemas"]["Entry"]
    # The serializer's own notes (comments, not a docstring) stay out of the public schema.
    assert "description" not in component
    assert list(component["properties"]) == EntrySerializer.Meta.fields
