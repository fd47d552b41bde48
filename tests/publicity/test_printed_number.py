"""One numbering, the printed one (issue 11): after an upheld objection took a unit out, the
notice numbers the rest 1, 2, and so do the public batch page, the entry page and the API."""

import datetime
import re
import subprocess

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from publicity.enums import EntryStatus
from publicity.models import Batch, Entry
from publicity.notice import build_notice_pdf
from publicity.services import (
    batch_approve,
    batch_create,
    batch_finalise,
    batch_publish,
    batch_submit,
    entry_add,
    notice_build,
    objection_decide,
    objection_record,
)
from tests.factories import FindingFactory, publication_staff

pytestmark = pytest.mark.django_db

NAMES = ["甲五金厂", "乙塑料厂", "丙家具厂"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def batch_without_the_first_unit():
    """A batch of three units whose first one's objection was upheld: finalised (its notice
    built) but not yet published."""
    composer, official = publication_staff(), publication_staff()
    batch = batch_create(composer=composer)
    findings = [
        # No credit code: the name cell is one line, level with the 序号 in the PDF's text.
        FindingFactory(inspection__enterprise__name=name, inspection__enterprise__credit_code=None)
        for name in NAMES
    ]
    entry_add(batch=batch, findings=findings, actor=composer)
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch_submit(batch=batch, actor=composer)
    batch = batch_approve(batch=batch, actor=official)
    first = batch.entries.get(position=1)
    objection = objection_record(
        entry=first, actor=composer, received_on=timezone.localdate(), statement="非本单位"
    )
    objection_decide(objection=objection, actor=official, upheld=True, reasons="检查对象有误")
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=batch, actor=official, today=after)
    notice_build(batch=batch)
    return Batch.objects.get(pk=batch.pk), official


def published_batch_without_the_first_unit():
    batch, official = batch_without_the_first_unit()
    batch_publish(batch=batch, actor=official, published_on=timezone.localdate(), outlet="惠州日报")
    return batch


def notice_numbers(data, tmp_path):
    """(序号, unit name) of every row of the notice, read back from the PDF's text."""
    path = tmp_path / "numbers.pdf"
    path.write_bytes(data)
    text = subprocess.run(  # noqa: S603 - a fixed argv of Poppler's tool, no outside input
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - Poppler from the PATH
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r"^\s*(\d+)\s+(" + "|".join(NAMES) + ")"
    return [(int(number), name) for number, name in re.findall(pattern, text, re.M)]


def test_batch_finalise_numbers_the_entries_that_survived_the_objections():
    batch, _official = batch_without_the_first_unit()

    rows = list(
        batch.entries.order_by("position").values_list("unit_name", "status", "printed_number")
    )

    assert rows == [
        ("甲五金厂", EntryStatus.WITHDRAWN_ON_OBJECTION, None),
        ("乙塑料厂", EntryStatus.PLANNED, 1),
        ("丙家具厂", EntryStatus.PLANNED, 2),
    ]


def test_notice_prints_the_entries_under_their_printed_numbers(tmp_path):
    batch, _official = batch_without_the_first_unit()

    assert notice_numbers(build_notice_pdf(batch), tmp_path) == [(1, "乙塑料厂"), (2, "丙家具厂")]


def test_public_batch_page_numbers_entries_as_the_notice_printed_them(client, tmp_path):
    batch = published_batch_without_the_first_unit()

    page = client.get(reverse("public:batch-detail", args=[batch.pk])).content.decode()

    shown = re.findall(r'<td class="num">(\d+)</td><th scope="row"><a [^>]*>([^<]+)</a>', page)
    assert [(int(number), name) for number, name in shown] == [(1, "乙塑料厂"), (2, "丙家具厂")]
    assert notice_numbers(batch.notice_pdf.read(), tmp_path) == [(1, "乙塑料厂"), (2, "丙家具厂")]


def test_public_batch_page_pages_by_the_printed_number(client, settings):
    batch = published_batch_without_the_first_unit()
    settings.PUBLIC_PAGE_CACHE = False

    page = client.get(reverse("public:batch-detail", args=[batch.pk]), {"after": 1})

    assert [(row.printed_number, row.unit_name) for row in page.context["rows"]] == [
        (2, "丙家具厂")
    ]


def test_entry_page_and_api_show_the_printed_number(client):
    batch = published_batch_without_the_first_unit()
    second = batch.entries.get(unit_name="丙家具厂")

    page = client.get(reverse("public:entry-detail", args=[second.pk])).content.decode()
    api = client.get(reverse("public:api-entry-detail", args=[second.pk])).json()

    assert "<div><dt>序号</dt><dd>2</dd></div>" in page
    assert api["printed_number"] == 2


def test_printed_number_of_a_published_entry_never_changes():
    batch = published_batch_without_the_first_unit()
    entry = batch.entries.get(printed_number=1)

    with transaction.atomic(), pytest.raises(IntegrityError, match="immutable"):
        Entry.objects.filter(pk=entry.pk).update(printed_number=3)
