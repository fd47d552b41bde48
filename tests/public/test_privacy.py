"""A reporter's identity appears on no public page, feed, download or API response."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from publicity.enums import SubmissionStatus
from tests.factories import (
    ErratumFactory,
    ListedEntryFactory,
    MediaReportFactory,
    PublishedBatchFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db

PLANTED_NAME = "举报人甄秘密"
PLANTED_CONTACT = "planted-contact-7731@example.org"


def test_reporter_identity_in_no_public_response(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    batch = PublishedBatchFactory(
        notice_pdf=ContentFile(b"%PDF-1.4", name="n.pdf"), notice_sha256="0" * 64
    )
    entry = ListedEntryFactory(batch=batch, unit_name="被举报五金厂")
    ErratumFactory(entry=entry)
    MediaReportFactory(batch=batch)
    # The reporter names the very unit that is listed, and gets a public reply.
    submission = SubmissionFactory(
        tracking_code="WXYZ-2345-6789-ABCD",
        unit_name=entry.unit_name,
        is_anonymous=False,
        submitter_name=PLANTED_NAME,
        submitter_contact=PLANTED_CONTACT,
        status=SubmissionStatus.ANSWERED,
        public_reply="已核实。",
    )

    gets = [
        reverse("home"),
        reverse("public:entry-list"),
        reverse("public:entry-list") + "?scope=all&q=五金",
        reverse("public:entry-detail", args=[entry.pk]),
        reverse("public:batch-archive"),
        reverse("public:batch-detail", args=[batch.pk]),
        reverse("public:batch-notice", args=[batch.pk]),
        reverse("public:statistics"),
        reverse("submissions:new"),
        reverse("submissions:status"),
        reverse("public:feed"),
        reverse("public:entry-export-csv"),
        reverse("public:entry-export-xlsx"),
        reverse("public:api-entry-list"),
        reverse("public:api-entry-detail", args=[entry.pk]),
        reverse("public:api-batch-list"),
        reverse("public:api-batch-detail", args=[batch.pk]),
        reverse("public:api-enterprise-list"),
        reverse("public:api-statistics"),
        reverse("public:api-schema"),
        reverse("public:api-docs"),
    ]
    bodies = {}
    for url in gets:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies[url] = _body(response)
    status_page = client.post(reverse("submissions:status"), {"code": submission.tracking_code})
    bodies["status"] = _body(status_page)

    assert "已核实。" in bodies["status"].decode()  # the page does show the submission
    for url, body in bodies.items():
        for planted in (PLANTED_NAME, PLANTED_CONTACT):
            assert planted.encode() not in body, url


def _body(response):
    if response.streaming:
        data = b"".join(response.streaming_content)
    else:
        data = response.content
    if data.startswith(b"PK"):  # XLSX: look inside the zipped XML
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return data
