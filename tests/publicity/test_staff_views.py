"""The publication staff pages: rights on the server, forms that keep input, constant queries."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from publicity.enums import BatchStatus
from publicity.models import Batch, Entry, Objection
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entry_add,
    notice_build,
    objection_record,
    preview_build,
)
from tests.factories import EnterpriseFactory, FindingFactory, InspectionFactory, staff_user
from tests.support import tiny_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "inspector": staff_user("insp", "inspector"),
        "official": staff_user("off", "official"),
        "official2": staff_user("off2", "official"),
        # A district inspector of 博罗县: sees only their area's batches.
        "boluo": staff_user("boluo", "inspector", jurisdiction="441322"),
    }


def draft(composer, count=1):
    batch = batch_create(composer=composer)
    entry_add(batch=batch, findings=[FindingFactory() for _ in range(count)], actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    return batch


def submitted(composer, count=1):
    batch = draft(composer, count)
    return batch_submit(batch=batch, actor=composer)


def test_batch_list_query_count_is_the_same_for_1_and_3_rows(
    client, people, django_assert_num_queries
):
    client.force_login(people["official"])
    url = reverse("publicity:batch-list")
    draft(people["inspector"])
    client.get(url)  # warm the session
    with django_assert_num_queries(7) as one:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 1
    draft(people["inspector"])
    draft(people["inspector"])
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 3


def test_approval_queue_query_count_is_the_same_for_1_and_3_rows(
    client, people, django_assert_num_queries
):
    client.force_login(people["official"])
    url = reverse("publicity:approval-queue")
    submitted(people["inspector"])
    client.get(url)
    with django_assert_num_queries(8) as one:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 1
    submitted(people["inspector"])
    submitted(people["inspector"])
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 3


def test_approval_queue_counts_each_batchs_own_entries(client, people):
    """Each batch's count is its own entries (a subquery per row shown): 0, 1 and 3."""
    client.force_login(people["official"])
    empty = batch_create(composer=people["inspector"])
    # A batch cannot be submitted empty; the count must still say 0 rather than vanish.
    Batch.objects.filter(pk=empty.pk).update(
        status=BatchStatus.SUBMITTED, submitted_at=timezone.now()
    )
    one = submitted(people["inspector"], 1)
    three = submitted(people["inspector"], 3)
    response = client.get(reverse("publicity:approval-queue"))
    counts = {batch.pk: batch.entry_count for batch in response.context["page_obj"]}
    assert counts == {empty.pk: 0, one.pk: 1, three.pk: 3}
    assert "3 家单位" in response.content.decode() or "3 unit" in response.content.decode()


def test_objection_queue_query_count_is_the_same_for_1_and_3_rows(
    client, people, django_assert_num_queries
):
    client.force_login(people["official"])
    url = reverse("publicity:objection-queue")
    batch = batch_approve(batch=submitted(people["inspector"], 3), actor=people["official"])
    entries = list(batch.entries.order_by("position"))
    today = timezone.localdate()
    objection_record(entry=entries[0], actor=people["official"], received_on=today, statement="a")
    client.get(url)
    with django_assert_num_queries(7) as one:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 1
    for entry in entries[1:]:
        objection_record(entry=entry, actor=people["official"], received_on=today, statement="b")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 3


def test_batch_compose_pool_query_count_is_the_same_for_1_and_3_rows(
    client, people, django_assert_num_queries
):
    batch = batch_create(composer=people["inspector"])
    client.force_login(people["inspector"])
    url = reverse("publicity:batch-compose", args=[batch.pk])
    FindingFactory()
    client.get(url)
    with django_assert_num_queries(10) as one:
        response = client.get(url)
    assert len(response.context["page_obj"]) == 1
    FindingFactory()
    FindingFactory()
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 3


def test_batch_compose_filters_by_district_and_campaign(client, people):
    batch = batch_create(composer=people["inspector"])
    boluo = FindingFactory(
        inspection=InspectionFactory(
            enterprise=EnterpriseFactory(jurisdiction_id=_township("441322")),
            kind="special_campaign",
            campaign_basis="period",
            campaign="打非治违专项行动",
        )
    )
    FindingFactory()  # 惠城区, routine
    client.force_login(people["inspector"])
    url = reverse("publicity:batch-compose", args=[batch.pk])
    district = _district_id("441322")

    by_district = client.get(url, {"district": district})
    by_campaign = client.get(url, {"campaign": "打非治违"})

    assert [f.pk for f in by_district.context["page_obj"]] == [boluo.pk]
    assert [f.pk for f in by_campaign.context["page_obj"]] == [boluo.pk]


def _township(district_code):
    from registry.models import Jurisdiction

    return Jurisdiction.objects.filter(parent__code=district_code).order_by("code").first().pk


def _district_id(code):
    from registry.models import Jurisdiction

    return Jurisdiction.objects.get(code=code).pk


def test_batch_compose_adds_ticked_findings(client, people):
    batch = batch_create(composer=people["inspector"])
    first, second = FindingFactory(), FindingFactory()
    client.force_login(people["inspector"])

    response = client.post(
        reverse("publicity:batch-compose", args=[batch.pk]), {"findings": [second.pk, first.pk]}
    )

    assert response.status_code == 302
    assert list(batch.entries.order_by("position").values_list("finding_id", flat=True)) == [
        second.pk,
        first.pk,
    ]


def test_batch_detail_is_404_for_district_staff_of_another_area(client, people):
    batch = draft(people["inspector"])  # a unit of 惠城区
    client.force_login(people["boluo"])
    response = client.get(reverse("publicity:batch-detail", args=[batch.pk]))
    assert response.status_code == 404


def test_batch_approve_view_is_forbidden_to_the_composer(client, people):
    from django.contrib.auth.models import Group

    composer = people["official"]  # an official who composed: may not approve it
    composer.groups.add(Group.objects.get(name="inspector"))
    batch = submitted(composer)
    client.force_login(composer)

    response = client.post(reverse("publicity:batch-approve", args=[batch.pk]))

    assert response.status_code == 403
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.SUBMITTED


def test_batch_return_view_requires_a_reason(client, people):
    batch = submitted(people["inspector"])
    client.force_login(people["official"])

    response = client.post(reverse("publicity:batch-return", args=[batch.pk]), {"reason": ""})

    assert response.status_code == 400
    assert "请填写退回理由。" in response.content.decode()
    assert Batch.objects.get(pk=batch.pk).status == BatchStatus.SUBMITTED


def test_entry_edit_keeps_input_on_error(client, people):
    batch = draft(people["inspector"])
    entry = batch.entries.get()
    client.force_login(people["inspector"])

    response = client.post(
        reverse("publicity:entry-edit", args=[entry.pk]),
        {
            "unit_name": "改过的名称",
            "address": "",
            "violation_text": "描述",
            "category": "major_hazard",
            "disposition": "banned",
            "rectification_deadline": "2009-05-01",
            "department": entry.department_id,
            "responsible_person": "",
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert sorted(form.errors) == ["address", "responsible_person"]
    assert form["unit_name"].value() == "改过的名称"
    assert Entry.objects.get(pk=entry.pk).unit_name != "改过的名称"


def test_entry_edit_is_forbidden_once_submitted(client, people):
    batch = submitted(people["inspector"])
    client.force_login(people["inspector"])
    response = client.get(reverse("publicity:entry-edit", args=[batch.entries.get().pk]))
    assert response.status_code == 403


def test_batch_preview_is_a_watermarked_pdf(client, people, settings, tmp_path):
    # Its own media: a preview of the same content left by another test would be served.
    settings.MEDIA_ROOT = tmp_path
    batch = submitted(people["inspector"])
    client.force_login(people["official"])
    # The preview is built by a job (publicity.build_preview), never in the request.
    waiting = client.get(reverse("publicity:batch-preview", args=[batch.pk]))
    assert waiting.status_code == 202
    preview_build(batch_id=batch.pk)
    response = client.get(reverse("publicity:batch-preview", args=[batch.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_objection_new_stores_evidence_and_decision_by_another_official(
    client, people, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    batch = batch_approve(batch=submitted(people["inspector"]), actor=people["official"])
    entry = batch.entries.get()
    client.force_login(people["inspector"])
    pdf = SimpleUploadedFile("说明.pdf", tiny_pdf(), content_type="application/pdf")

    response = client.post(
        reverse("publicity:objection-new", args=[entry.pk]),
        {"received_on": timezone.localdate().isoformat(), "statement": "已整改", "evidence": pdf},
    )

    assert response.status_code == 302
    objection = Objection.objects.get(entry=entry)
    assert objection.evidence.read() == tiny_pdf()
    client.force_login(people["official2"])
    response = client.post(
        reverse("publicity:objection-decide", args=[objection.pk]),
        {"decision": "rejected", "reasons": "现场复核未整改"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.decision, objection.decided_by) == ("rejected", people["official2"])


def test_batch_notice_download_matches_the_stored_hash(client, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    batch = batch_approve(batch=submitted(people["inspector"]), actor=people["official"])
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=batch, actor=people["official"], today=after)
    notice_build(batch=batch)
    batch.refresh_from_db()
    client.force_login(people["official2"])

    response = client.get(reverse("publicity:batch-notice", args=[batch.pk]))
    a3 = client.get(reverse("publicity:batch-notice", args=[batch.pk]), {"size": "A3"})

    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == batch.notice_sha256
    assert a3.status_code == 200
    assert a3.content != body


def test_dashboard_panel_counts_what_waits_for_the_user(people):
    from publicity.selectors import dashboard_panel

    draft(people["inspector"])
    submitted(people["inspector"])
    assert dashboard_panel(user=people["inspector"]) == {
        "drafts": 1,
        "returned": 0,
        "to_approve": 0,
        "open_objections": 0,
        "errata_to_decide": 0,
        "ready_to_finalise": 0,
        "to_publish": 0,
    }
    assert dashboard_panel(user=people["official"])["to_approve"] == 1


def published(people, settings, tmp_path):
    from publicity.services import batch_publish

    settings.MEDIA_ROOT = tmp_path
    batch = batch_approve(batch=submitted(people["inspector"]), actor=people["official"])
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=batch, actor=people["official"], today=after)
    notice_build(batch=batch)
    return batch_publish(
        batch=batch, actor=people["official"], published_on=timezone.localdate(), outlet="惠州日报"
    )


def test_erratum_new_and_decide_by_another_official(client, people, settings, tmp_path):
    batch = published(people, settings, tmp_path)
    entry = batch.entries.get()
    client.force_login(people["official"])
    url = reverse("publicity:erratum-new", args=[entry.pk])

    empty = client.post(url, {"kind": "correct", "reason": "笔误"})
    response = client.post(url, {"kind": "correct", "reason": "笔误", "address": "新地址8号"})

    assert empty.status_code == 400
    assert "更正时请至少填写一项更正后的内容。" in empty.content.decode()
    assert response.status_code == 302
    erratum = entry.errata.get()
    own = client.post(
        reverse("publicity:erratum-decide", args=[erratum.pk]), {"decision": "approve"}
    )
    assert own.status_code == 302
    erratum.refresh_from_db()
    assert erratum.status == "submitted"  # refused: the author cannot approve
    client.force_login(people["official2"])
    client.post(reverse("publicity:erratum-decide", args=[erratum.pk]), {"decision": "approve"})
    erratum.refresh_from_db()
    assert (erratum.status, erratum.approved_by) == ("approved", people["official2"])
    page = client.get(reverse("publicity:batch-detail", args=[batch.pk])).content.decode()
    assert "新地址8号" in page
    assert "惠州市惠城区江北街道1号" in page


def test_media_report_new_ties_entries(client, people, settings, tmp_path):
    batch = published(people, settings, tmp_path)
    entry = batch.entries.get()
    client.force_login(people["inspector"])

    response = client.post(
        reverse("publicity:media-report-new", args=[batch.pk]),
        {
            "outlet": "东江时报",
            "date": timezone.localdate().isoformat(),
            "headline": "曝光之后主动整改",
            "url": "https://example.org/r/1",
            "entries": [entry.pk],
        },
    )

    assert response.status_code == 302
    report = batch.media_reports.get()
    assert (report.outlet, report.headline, list(report.entries.all())) == (
        "东江时报",
        "曝光之后主动整改",
        [entry],
    )


def _entry_form_data(entry, **changes):
    data = {
        "unit_name": entry.unit_name,
        "address": entry.address,
        "violation_text": entry.violation_text,
        "category": entry.category,
        "disposition": entry.disposition,
        "rectification_deadline": entry.rectification_deadline.isoformat(),
        "department": entry.department_id,
        "responsible_person": "王五",
        "responsible_phone": "",
        "responsible_email": "",
    }
    return data | changes


def test_entry_edit_contact_captured_when_composing_is_on_the_opened_case(
    client, people, settings, tmp_path
):
    batch = draft(people["inspector"])
    entry = batch.entries.get()
    client.force_login(people["inspector"])

    response = client.post(
        reverse("publicity:entry-edit", args=[entry.pk]),
        _entry_form_data(
            entry,
            responsible_person="赵六",
            responsible_phone="0752 2345678",
            responsible_email="zhaoliu@example.cn",
        ),
    )
    assert response.status_code == 302
    # The contact is not printed: the entry keeps it until publication opens the case.
    entry.refresh_from_db()
    assert (entry.responsible_phone, entry.responsible_email) == (
        "07522345678",
        "zhaoliu@example.cn",
    )
    settings.MEDIA_ROOT = tmp_path
    batch_submit(batch=batch, actor=people["inspector"])
    approved = batch_approve(batch=batch, actor=people["official"])
    after = approved.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=approved, actor=people["official"], today=after)
    notice_build(batch=approved)
    batch_publish(
        batch=approved, actor=people["official"], published_on=timezone.localdate(), outlet="报"
    )

    case = Entry.objects.select_related("case").get(pk=entry.pk).case
    assert (case.responsible_person, case.responsible_phone, case.responsible_email) == (
        "赵六",
        "07522345678",
        "zhaoliu@example.cn",
    )


def test_entry_edit_refuses_a_malformed_phone_and_email(client, people):
    batch = draft(people["inspector"])
    entry = batch.entries.get()
    client.force_login(people["inspector"])

    response = client.post(
        reverse("publicity:entry-edit", args=[entry.pk]),
        _entry_form_data(entry, responsible_phone="12345", responsible_email="zhaoliu@"),
    )

    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == ["responsible_email", "responsible_phone"]
    entry.refresh_from_db()
    assert (entry.responsible_phone, entry.responsible_email) == ("", "")


def test_batch_label_follows_its_state(people):
    from publicity.services import batch_return

    batch = draft(people["inspector"])
    assert batch.label == f"批次草稿 #{batch.pk}"

    batch = batch_submit(batch=batch, actor=people["inspector"])
    assert batch.label == f"批次 #{batch.pk}"

    batch = batch_return(batch=batch, actor=people["official"], reason="补充证据")
    assert batch.label == f"批次 #{batch.pk}"

    again = submitted(people["inspector"])
    approved = batch_approve(batch=again, actor=people["official"])
    assert approved.label == f"{approved.year}年第{approved.number}批"


def test_submitted_batch_is_not_called_a_draft_in_the_queue_or_on_review(client, people):
    batch = submitted(people["inspector"])
    client.force_login(people["official"])

    queue = client.get(reverse("publicity:approval-queue")).content.decode()
    review = client.get(reverse("publicity:batch-review", args=[batch.pk])).content.decode()

    link = f'<a href="/staff/batches/{batch.pk}/review/">批次 #{batch.pk}</a>'
    assert link in queue
    assert f"<h1>审核 批次 #{batch.pk}</h1>" in review
    assert "批次草稿" not in queue
    assert "批次草稿" not in review


def test_batch_compose_pool_leaves_out_findings_taken_but_those_withdrawn_on_objection(people):
    """The pool: proposed findings in no entry as its principal or a further finding, but
    those of an entry withdrawn on an objection (the selector's two semi-joins)."""
    from publicity.enums import EntryStatus
    from publicity.selectors import finding_pool
    from tests.factories import EntryFactory

    free = FindingFactory()
    principal, further = FindingFactory(), FindingFactory()
    entry = EntryFactory(finding=principal, position=1)
    entry.further_findings.add(further)
    back_principal, back_further = FindingFactory(), FindingFactory()
    withdrawn = EntryFactory(
        finding=back_principal, position=1, status=EntryStatus.WITHDRAWN_ON_OBJECTION
    )
    withdrawn.further_findings.add(back_further)
    FindingFactory(proposed_for_publicity=False)

    pool = finding_pool(user=people["inspector"])[1]

    assert list(pool) == [back_further, back_principal, free]


def test_batch_list_counts_each_batchs_entries(client, people):
    empty = batch_create(composer=people["inspector"])
    one = draft(people["inspector"])
    three = draft(people["inspector"], 3)
    client.force_login(people["official"])

    response = client.get(reverse("publicity:batch-list"))

    counts = {batch.pk: batch.entry_count for batch in response.context["page_obj"]}
    assert counts == {empty.pk: 0, one.pk: 1, three.pk: 3}


def test_batch_compose_pool_count_stops_at_the_bound(client, people):
    """The finding pool's paginator counts up to 1,001 rows (core.pages.bounded_count), never
    the whole pool: the count's SQL carries the LIMIT, and the page still shows its rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.pages import COUNT_BOUND

    batch = batch_create(composer=people["inspector"])
    client.force_login(people["inspector"])
    url = reverse("publicity:batch-compose", args=[batch.pk])
    FindingFactory()
    FindingFactory()
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    pool_counts = [sql for sql in counts if "registry_finding" in sql]
    assert pool_counts, counts
    assert all(f"LIMIT {COUNT_BOUND + 1}" in sql for sql in pool_counts), pool_counts
    page = response.context["page_obj"]
    assert len(page) == 2
    assert page.paginator.count == 2
    assert not page.paginator.more
