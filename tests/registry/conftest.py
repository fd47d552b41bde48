"""Fixtures of the back-office tests: the demo roles as staff, and records in 惠阳区."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from core import roles
from registry.models import Evidence, Jurisdiction
from tests.factories import (
    AccidentFactory,
    EnterpriseFactory,
    FindingFactory,
    InspectionFactory,
    staff_user,
)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # Evidence and imports go to a throwaway media root.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def people(db):
    """The demo roles: a city inspector, a 惠城区 inspector, an official, a liaison, a
    supervisor and an administrator, each with a StaffProfile."""
    return SimpleNamespace(
        inspector=staff_user("inspector", roles.INSPECTOR),
        inspector_huicheng=staff_user("inspector_huicheng", roles.INSPECTOR, jurisdiction="441302"),
        official=staff_user("official", roles.OFFICIAL),
        liaison=staff_user("liaison", roles.LIAISON, department="city_housing"),
        supervisor=staff_user("supervisor", roles.SUPERVISOR),
        admin=staff_user("admin", roles.ADMINISTRATOR),
    )


def jpeg_bytes(*, with_gps: bool = True) -> bytes:
    """A small JPEG photo, with EXIF GPS tags as a phone writes them."""
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    exif = Image.Exif()
    if with_gps:
        exif[0x8825] = {1: "N", 2: (23.0, 6.0, 0.0), 3: "E", 4: (114.0, 24.0, 0.0)}
        exif[0x010F] = "TestPhone"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def huiyang(people):
    """A unit in 惠阳区 (441303) with an inspection, a finding, a photo and an accident."""
    district = Jurisdiction.objects.get(code="441303")
    enterprise = EnterpriseFactory(name="惠阳区测试塑料厂", jurisdiction=district)
    inspection = InspectionFactory(enterprise=enterprise, created_by=people.inspector)
    inspection.inspectors.add(people.inspector)
    finding = FindingFactory(inspection=inspection)
    evidence = Evidence.objects.create(
        finding=finding,
        file=ContentFile(jpeg_bytes(with_gps=False), name="photo.jpg"),
        original_name="photo.jpg",
        content_type="image/jpeg",
        size=100,
        sha256="0" * 64,
        uploaded_by=people.inspector,
    )
    accident = AccidentFactory(jurisdiction=district, enterprise=enterprise)
    return SimpleNamespace(
        enterprise=enterprise,
        inspection=inspection,
        finding=finding,
        evidence=evidence,
        accident=accident,
    )
