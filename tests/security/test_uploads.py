"""Uploads and stored files (issue: stored XSS past the CSP through an admin evidence upload
served inline with its uploaded type; a 13,000 x 13,000 PNG of 657 KB accepted; any file
starting with "%PDF-" taken for a PDF)."""

import struct
import zlib

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import roles
from core.uploads import evidence_check
from registry.models import Evidence
from tests.factories import FindingFactory, staff_user
from tests.support import tiny_jpeg, tiny_pdf

pytestmark = pytest.mark.django_db


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares ``width`` x ``height`` pixels; a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_picture_declaring_too_many_pixels_is_refused_before_decoding():
    upload = SimpleUploadedFile("bomb.png", _png_header_only(13_000, 13_000), "image/png")

    with pytest.raises(ValidationError) as refused:
        evidence_check(upload)

    assert refused.value.code == "too_many_pixels"


def test_a_file_that_only_starts_like_a_pdf_is_refused():
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n<script>alert(1)</script>", "application/pdf")

    with pytest.raises(ValidationError) as refused:
        evidence_check(upload)

    assert refused.value.code == "bad_type"


def test_a_pdf_that_runs_javascript_is_refused():
    pdf = tiny_pdf().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>")

    with pytest.raises(ValidationError):
        evidence_check(SimpleUploadedFile("x.pdf", pdf, "application/pdf"))


def test_a_real_pdf_and_a_real_photo_pass():
    assert evidence_check(SimpleUploadedFile("a.pdf", tiny_pdf())).content_type == (
        "application/pdf"
    )
    assert evidence_check(SimpleUploadedFile("a.jpg", tiny_jpeg())).content_type == "image/jpeg"


def _evidence(content: bytes, content_type: str, name: str) -> Evidence:
    return Evidence.objects.create(
        finding=FindingFactory.create(),
        file=ContentFile(content, name=name),
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
        uploaded_by=staff_user("uploader", roles.INSPECTOR),
    )


@pytest.mark.parametrize(
    ("content", "content_type", "name"),
    [
        (b"<script src='/staff/evidence/2/'></script>", "text/html", "page.html"),
        (b"alert(document.cookie)", "application/javascript", "x.js"),
        (b"<svg onload='alert(1)'/>", "image/svg+xml", "x.svg"),
    ],
)
def test_a_stored_file_of_another_type_is_never_shown_inline(
    client, settings, tmp_path, content, content_type, name
):
    # Files stored before the checks existed keep their typed Content-Type in the database.
    settings.MEDIA_ROOT = tmp_path
    evidence = _evidence(content, content_type, name)
    client.force_login(staff_user("admin", roles.OFFICIAL))

    response = client.get(reverse("registry:evidence", args=[evidence.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_photo_is_shown_inline_but_sandboxed(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = _evidence(tiny_jpeg(), "image/jpeg", "photo.jpg")
    client.force_login(staff_user("admin", roles.OFFICIAL))

    response = client.get(reverse("registry:evidence", args=[evidence.pk]))

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_admin_upload_passes_the_same_checks(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(User.objects.create_superuser("root", password="x"))
    finding = FindingFactory()
    page = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html")

    response = client.post(
        reverse("admin:registry_evidence_add"), {"finding": finding.pk, "file": page}
    )

    assert response.status_code == 200  # the form again, with the error
    assert not Evidence.objects.exists()
