"""The printed text's limit: what an inspector and staff may write in the notice's
"违法违规行为及事故隐患" cell (the forms say it and enforce it), and composing refusing an
entry the notice could not print within one page."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.pdf import PRINTED_TEXT_MAX_LENGTH
from publicity.forms import EntryForm
from publicity.models import Entry
from publicity.notice import notice_row_check
from publicity.services import PublicationError, batch_create, entry_add, entry_update
from registry.forms import FindingForm
from tests.factories import FindingFactory, InspectionFactory, staff_user

pytestmark = pytest.mark.django_db

# Findings as inspectors write them: clauses of full-width characters and punctuation, the
# widest text per character the notice prints.
CLAUSES = [
    "未取得《烟花爆竹经营（零售）许可证》，擅自储存、销售烟花爆竹；",
    "员工宿舍与车间同一建筑（三合一），电线私拉乱接；",
    "存在重大事故隐患：重大危险源未登记建档和监控，危险化学品混存混放；",
    "特种作业人员无证上岗，安全出口被锁闭，消防通道堵塞；",
]


def written(length, paragraphs=1):
    """A description of ``length`` characters in ``paragraphs`` findings, ending as a
    sentence does."""
    text = "".join(CLAUSES * 20)
    characters = length - (paragraphs - 1)  # less the line breaks between findings
    sizes = [characters // paragraphs] * paragraphs
    sizes[-1] += characters % paragraphs
    described = "\n".join(text[: size - 1] + "。" for size in sizes)
    assert len(described) == length
    return described


@pytest.fixture
def inspector():
    return staff_user("insp", "inspector")


def test_the_limit_fits_one_page_of_the_notice_with_its_signature(inspector):
    # The limit is the notice's geometry: the longest text, in a few findings of full-width
    # characters, prints on one A4 page under the header with the signature and QR code.
    batch = batch_create(composer=inspector)
    for paragraphs in (1, 2, 3):
        finding = FindingFactory(description=written(PRINTED_TEXT_MAX_LENGTH, paragraphs))
        entry_add(batch=batch, findings=[finding], actor=inspector)
    for entry in batch.entries.all():
        lines, limit = notice_row_check(entry)
        assert (lines <= limit, limit) == (True, 33), lines


def test_finding_form_limits_the_description_and_says_so():
    data = {"category": "major_hazard", "proposed_disposition": "banned"}
    form = FindingForm(data={**data, "description": "字" * (PRINTED_TEXT_MAX_LENGTH + 1)})

    assert form.errors["description"] == ["报纸公告中这一格最多印500字，现有501字，请精简。"]
    html = str(form["description"].as_field_group())
    assert 'maxlength="500"' in html
    assert "最多500字：报纸公告中这一格的篇幅，整行须印在同一页上。" in html
    # A line break counts once, as the browser counts it against maxlength.
    text = "\r\n".join(["字" * 100] * 4 + ["字" * 96])
    assert len(text) == PRINTED_TEXT_MAX_LENGTH + 4
    form = FindingForm(data={**data, "description": text})
    form.is_valid()
    assert "description" not in form.errors
    assert form.cleaned_data["description"] == text.replace("\r\n", "\n")


def test_finding_form_limit_message_in_english():
    with translation.override("en"):
        form = FindingForm(data={"description": "字" * (PRINTED_TEXT_MAX_LENGTH + 1)})
        assert form.errors["description"] == [
            "A cell of the newspaper notice prints at most 500 characters; this has 501. "
            "Please shorten it."
        ]
        assert str(form.fields["description"].help_text) == (
            "At most 500 characters: what this cell of the newspaper notice holds, so that "
            "the whole row prints on one page."
        )


def test_entry_form_limits_the_printed_text(inspector):
    batch = batch_create(composer=inspector)
    entry_add(batch=batch, findings=[FindingFactory()], actor=inspector)
    entry = batch.entries.get()
    form = EntryForm(data={"violation_text": "字" * (PRINTED_TEXT_MAX_LENGTH + 1)}, instance=entry)

    assert form.errors["violation_text"] == ["报纸公告中这一格最多印500字，现有501字，请精简。"]
    assert 'maxlength="500"' in str(form["violation_text"])


def test_entry_add_refuses_a_description_longer_than_the_limit(inspector):
    batch = batch_create(composer=inspector)
    finding = FindingFactory(description=written(PRINTED_TEXT_MAX_LENGTH + 1))
    unit = finding.inspection.enterprise.name

    with pytest.raises(PublicationError) as refused:
        entry_add(batch=batch, findings=[FindingFactory(), finding], actor=inspector)

    assert str(refused.value) == (
        f"“{unit}”的“违法违规行为及事故隐患”有501字，超过报纸公告每格可印的500字，请精简。"
    )
    assert batch.entries.count() == 0


def test_entry_add_refuses_a_text_of_more_lines_than_a_page_holds(inspector):
    # Within the characters allowed, but forty short findings of a line each.
    batch = batch_create(composer=inspector)
    finding = FindingFactory(description="\n".join(["消防通道堵塞。"] * 40))
    unit = finding.inspection.enterprise.name

    with pytest.raises(PublicationError) as refused:
        entry_add(batch=batch, findings=[finding], actor=inspector)

    assert str(refused.value) == (
        f"“{unit}”在报纸公告中要印40行，超过一页可印的33行，请精简“违法违规行为及事故隐患”或地址。"
    )


def test_entry_add_refuses_to_merge_a_finding_past_the_limit(inspector):
    batch = batch_create(composer=inspector)
    inspection = InspectionFactory()
    first = FindingFactory(inspection=inspection, description=written(300))
    entry_add(batch=batch, findings=[first], actor=inspector)
    second = FindingFactory(inspection=inspection, description=written(300))

    with pytest.raises(PublicationError) as refused:
        entry_add(batch=batch, findings=[second], actor=inspector)

    assert str(refused.value) == (
        f"“{inspection.enterprise.name}”并入这项检查发现后，“违法违规行为及事故隐患”将有601字，"
        "超过报纸公告每格可印的500字。请先精简该条目的文字，再并入。"
    )
    entry = batch.entries.get()
    assert (entry.violation_text, list(entry.further_findings.all())) == (written(300), [])


def test_entry_update_refuses_a_text_longer_than_the_limit(inspector):
    batch = batch_create(composer=inspector)
    entry_add(batch=batch, findings=[FindingFactory()], actor=inspector)
    entry = batch.entries.get()
    before = entry.violation_text

    with pytest.raises(PublicationError):
        entry_update(
            entry=entry,
            actor=inspector,
            unit_name=entry.unit_name,
            address=entry.address,
            violation_text=written(PRINTED_TEXT_MAX_LENGTH + 20),
            category=entry.category,
            disposition=entry.disposition,
            rectification_deadline=entry.rectification_deadline,
            department=entry.department,
            responsible_person="王五",
        )

    assert Entry.objects.get(pk=entry.pk).violation_text == before


def test_batch_compose_view_shows_the_refusal(client, inspector):
    batch = batch_create(composer=inspector)
    finding = FindingFactory(description="\n".join(["消防通道堵塞。"] * 40))
    client.force_login(inspector)

    response = client.post(
        reverse("publicity:batch-compose", args=[batch.pk]), {"findings": [finding.pk]}
    )

    assert response.status_code == 200
    assert "在报纸公告中要印40行，超过一页可印的33行" in response.content.decode()
    assert batch.entries.count() == 0
