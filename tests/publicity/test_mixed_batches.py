"""Mixed batches: a batch holds units of several districts, and district staff who see it
because one of its units is theirs act on their own district's units only (issue: they could
download another district's prior-notice letter, record an objection and file an erratum)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from publicity.models import Entry, Erratum, Objection, PriorNoticeLetter
from publicity.services import batch_approve, batch_create, batch_submit, entry_add
from registry.models import Jurisdiction
from tests.factories import EnterpriseFactory, FindingFactory, InspectionFactory, staff_user

pytestmark = pytest.mark.django_db


def _finding_in(town_code):
    enterprise = EnterpriseFactory(jurisdiction=Jurisdiction.objects.get(code=town_code))
    return FindingFactory(inspection=InspectionFactory(enterprise=enterprise))


@pytest.fixture
def mixed(settings, tmp_path):
    """An approved batch (in its notice period) with a 惠城区 unit and a 博罗县 unit."""
    settings.MEDIA_ROOT = tmp_path
    composer = staff_user("city", "inspector")
    batch = batch_create(composer=composer)
    entry_add(
        batch=batch,
        findings=[_finding_in("441302002"), _finding_in("441322001")],
        actor=composer,
    )
    Entry.objects.filter(batch=batch).update(responsible_person="王五")
    batch = batch_approve(
        batch=batch_submit(batch=batch, actor=composer), actor=staff_user("off", "official")
    )
    huicheng = batch.entries.get(district__code="441302")
    boluo = batch.entries.get(district__code="441322")
    for entry in (huicheng, boluo):
        PriorNoticeLetter.objects.create(
            entry=entry, file=ContentFile(b"%PDF-1.4 letter", name="l.pdf"), sha256="0" * 64
        )
    return batch, huicheng, boluo


def test_district_staff_download_their_own_units_letter_only(client, mixed):
    _batch, huicheng, boluo = mixed
    client.force_login(staff_user("boluo", "inspector", jurisdiction="441322"))

    own = client.get(reverse("publicity:entry-letter", args=[boluo.pk]))
    other = client.get(reverse("publicity:entry-letter", args=[huicheng.pk]))

    assert own.status_code == 200
    assert other.status_code in (403, 404)


def test_district_staff_record_objections_for_their_own_units_only(client, mixed):
    _batch, huicheng, boluo = mixed
    client.force_login(staff_user("boluo", "inspector", jurisdiction="441322"))
    data = {"received_on": timezone.localdate().isoformat(), "statement": "已整改"}

    other = client.post(reverse("publicity:objection-new", args=[huicheng.pk]), data)
    own = client.post(reverse("publicity:objection-new", args=[boluo.pk]), data)

    assert other.status_code in (403, 404)
    assert own.status_code == 302
    assert list(Objection.objects.values_list("entry", flat=True)) == [boluo.pk]


def test_district_officials_file_errata_for_their_own_units_only(client, mixed):
    from publicity.services import batch_finalise, batch_publish, notice_build

    batch, huicheng, boluo = mixed
    official = staff_user("off2", "official")
    after = batch.notice_period_ends + datetime.timedelta(days=1)
    batch_finalise(batch=batch, actor=official, today=after)
    notice_build(batch=batch)
    batch_publish(batch=batch, actor=official, published_on=timezone.localdate(), outlet="惠州日报")
    client.force_login(staff_user("boluo-off", "official", jurisdiction="441322"))
    data = {"kind": "correct", "reason": "笔误", "address": "新地址8号"}

    other = client.post(reverse("publicity:erratum-new", args=[huicheng.pk]), data)
    own = client.post(reverse("publicity:erratum-new", args=[boluo.pk]), data)

    assert other.status_code in (403, 404)
    assert own.status_code == 302
    assert list(Erratum.objects.values_list("entry", flat=True)) == [boluo.pk]
