"""Every newly opened case gets its rectification notice letter, issued by the system."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from rectification.enums import CaseStatus
from rectification.models import AccessCode
from rectification.services import access_code_hash, case_letters_issue_missing
from rectification.tasks import issue_missing_letters
from tests.factories import CaseFactory, staff_user
from tests.rectification.test_letter import run
from tests.support import wait_until


def active_case(**kwargs):
    today = timezone.localdate()
    return CaseFactory(
        opened_on=today - datetime.timedelta(days=1),
        deadline=today + datetime.timedelta(days=30),
        **kwargs,
    )


@pytest.mark.django_db
def test_case_letters_issue_missing_issues_one_letter_per_open_case_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = active_case(), active_case()
    active_case(status=CaseStatus.RECTIFIED, closed_on=timezone.localdate())

    assert case_letters_issue_missing() == 2
    assert case_letters_issue_missing() == 0

    for case in (first, second):
        (live,) = AccessCode.objects.filter(case=case, revoked_at__isnull=True)
        text = run("pdftotext", live.letter.path, "-")
        # The stored letter carries the very code whose hash the case keeps.
        code = next(line.strip() for line in text.splitlines() if line.count("-") == 5)
        assert access_code_hash(code) == live.code_hash
    assert AccessCode.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_issue_missing_letters_runs_on_a_real_worker(celery_worker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = active_case()

    issue_missing_letters.delay()

    wait_until(AccessCode.objects.filter(case=case).exists, timeout=20, what="the worker's letter")
    assert AccessCode.objects.get(case=case).issued_by is None


@pytest.mark.django_db
def test_case_letter_download_only_for_staff_who_may_issue_it(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = active_case()
    url = reverse("rectification:case-letter-download", args=[case.pk])
    liaison = staff_user("liaison-letter", roles.LIAISON, department="city_housing")
    other = staff_user("liaison-other", roles.LIAISON, department="city_transport")

    client.force_login(liaison)
    assert client.get(url).status_code == 404  # not issued yet
    case_letters_issue_missing()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "no-store, private"

    client.force_login(other)
    assert client.get(url).status_code == 404
