"""The rectification notice letter: Chinese text with embedded fonts, carrying the code."""

import datetime
import shutil
import subprocess

import pytest

from rectification.letters import build_case_letter_pdf
from tests.factories import CaseFactory, EnterpriseFactory, FindingFactory

pytestmark = pytest.mark.django_db

CODE = "ABCD-EFGH-JKMN-PQRS-TWXY-2345"


def letter_case():
    case = CaseFactory(
        enterprise=EnterpriseFactory(name="惠城区江北安达五金厂"),
        deadline=datetime.date(2009, 4, 30),
        responsible_person="王五",
    )
    case.findings.add(
        FindingFactory(
            inspection__enterprise=case.enterprise, description="消防通道堵塞，安全出口上锁"
        )
    )
    return case


def test_build_case_letter_pdf_is_the_same_bytes_each_time():
    case = letter_case()
    first = build_case_letter_pdf(case=case, code=CODE, issued_on=datetime.date(2009, 3, 16))
    second = build_case_letter_pdf(case=case, code=CODE, issued_on=datetime.date(2009, 3, 16))
    assert first.startswith(b"%PDF-")
    assert first == second


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def run(*command: str) -> str:
    # A fixed command line of poppler-utils, found on PATH like the CI image installs it.
    return subprocess.run(  # noqa: S603
        list(command), capture_output=True, text=True, check=True
    ).stdout


def test_build_case_letter_pdf_carries_code_findings_and_embedded_font(tmp_path):
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(
        build_case_letter_pdf(case=letter_case(), code=CODE, issued_on=datetime.date(2009, 3, 16))
    )
    text = run("pdftotext", "-layout", str(pdf), "-")
    flat = "".join(text.split())
    assert "安全生产整改通知书" in flat
    assert "惠城区江北安达五金厂：" in flat
    assert "消防通道堵塞，安全出口上锁" in flat
    assert "2009年4月30日前" in flat
    assert "责任人：王五" in flat
    assert CODE in flat
    assert "2009年3月16日" in flat
    fonts = run("pdffonts", str(pdf)).splitlines()[2:]
    assert len(fonts) == 1
    # name, type, encoding, emb, sub, uni: the one CJK font, embedded as a subset.
    assert fonts[0].split()[-5:-2] == ["yes", "yes", "yes"]
