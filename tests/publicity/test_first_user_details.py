"""Small things the first users hit (issue 16): each seen as the page or the API shows it."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from publicity.enums import EntryStatus
from publicity.forms import EntryForm
from publicity.models import Entry
from publicity.services import (
    batch_approve,
    batch_create,
    batch_submit,
    entry_add,
    objection_decide,
    objection_record,
)
from registry.models import Jurisdiction
from tests.factories import FindingFactory, ListedEntryFactory, staff_user

pytestmark = pytest.mark.django_db

REASONS = "复查照片显示该单位已于公示前关闭，异议成立。"


def test_batch_page_prints_a_withdrawn_entrys_objection_reason_once(client):
    composer = staff_user("insp", "inspector")
    official = staff_user("off", "official")
    batch = batch_create(composer=composer)
    entry_add(batch=batch, findings=[FindingFactory(), FindingFactory()], actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch = batch_approve(batch=batch_submit(batch=batch, actor=composer), actor=official)
    entry = batch.entries.order_by("position").first()
    received = timezone.localdate(batch.approved_at)
    objection = objection_record(
        entry=entry, actor=official, received_on=received, statement="已关闭"
    )
    objection_decide(objection=objection, actor=official, upheld=True, reasons=REASONS)
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.WITHDRAWN_ON_OBJECTION

    client.force_login(official)
    html = client.get(reverse("publicity:batch-detail", args=[batch.pk])).content.decode()

    row = re.search(rf'<tr id="entry-{entry.pk}".*?</tr>', html, re.S)
    assert row is not None
    assert row[0].count(REASONS) == 1, row[0]


def test_api_entry_says_why_its_deadline_moved(client):
    moved = ListedEntryFactory(
        rectification_deadline=datetime.date(2026, 10, 8),
        rectification_deadline_moved_from=datetime.date(2026, 10, 1),
        rectification_deadline_holiday="国庆节",
    )
    kept = ListedEntryFactory(rectification_deadline=datetime.date(2026, 10, 9))

    rows = {
        row["id"]: row for row in client.get(reverse("public:api-entry-list")).json()["results"]
    }

    assert rows[moved.pk]["rectification_deadline"] == "2026-10-08"
    assert rows[moved.pk]["rectification_deadline_moved_from"] == "2026-10-01"
    assert rows[moved.pk]["rectification_deadline_moved_reason"] == (
        "原期限 2026-10-01 为国庆节假期，顺延至 2026-10-08"
    )
    assert rows[kept.pk]["rectification_deadline_moved_from"] is None
    assert rows[kept.pk]["rectification_deadline_moved_reason"] == ""
    english = client.get(reverse("public:api-entry-list"), HTTP_ACCEPT_LANGUAGE="en").json()[
        "results"
    ]
    reason = next(row for row in english if row["id"] == moved.pk)[
        "rectification_deadline_moved_reason"
    ]
    assert "2026-10-01" in reason
    assert "National Day" in reason, reason


def test_entry_form_phone_help_text_speaks_of_the_phone_not_of_email():
    form = EntryForm()
    phone = str(form.fields["responsible_phone"].help_text)
    email = str(form.fields["responsible_email"].help_text)

    assert "邮箱" not in phone, phone
    assert "邮件" not in phone, phone
    assert "电话" in phone, phone
    assert "邮箱" in email, email


def _map_data(html: str) -> dict:
    found = re.search(r'<script id="map-data" type="application/json">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found[1])


def test_map_district_without_overdue_cases_links_to_no_empty_overdue_list(client):
    boluo = Jurisdiction.objects.get(code="441322")
    huicheng = Jurisdiction.objects.get(code="441302")
    ListedEntryFactory(district=boluo)  # its case's deadline (2009) has passed: overdue
    ListedEntryFactory(
        district=huicheng,
        case__deadline=timezone.localdate() + datetime.timedelta(days=30),
    )

    data = _map_data(client.get("/").content.decode())

    districts = {row["code"]: row for row in data["districts"]}
    assert districts["441322"]["values"]["overdue"] == 1
    overdue = client.get(districts["441322"]["urls"]["overdue"])
    assert len(overdue.context["page"].rows) == 1
    # No overdue case in 惠城区: the map has no list of them to open (it was an empty one).
    assert districts["441302"]["values"]["overdue"] == 0
    assert districts["441302"]["urls"]["overdue"] is None
    assert districts["441302"]["urls"]["listed"]
