"""Property tests of the enterprise import's reading and checking (hypothesis): whatever
bytes are uploaded, reading raises nothing but FileUnreadable, and checking reports every
problem as a row error rather than raising."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.importing import (
    COLUMNS,
    FileUnreadable,
    check_file,
    enterprise_import_check,
    enterprise_import_start,
    read_rows,
)
from registry.models import EnterpriseImport
from tests.factories import UserFactory, valid_credit_code

HEADERS = [header for _key, header in COLUMNS]
# Bounded and seeded: the same examples on every run and every machine. The database tests
# share their function-scoped fixture's rows (reference data, one user) across examples.
FUZZ = settings(max_examples=150, derandomize=True, database=None, deadline=None)
FUZZ_DB = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Bytes that look like a CSV as often as not: separators, quotes, line ends, NUL, BOMs.
csv_bytes = st.one_of(
    st.binary(max_size=400),
    st.lists(
        st.sampled_from(
            [b",", b'"', b"\r", b"\n", b"\r\n", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"a"]
            + [h.encode() for h in HEADERS]
        ),
        max_size=60,
    ).map(b"".join),
)
# Cell text of any kind (lone surrogates cannot be written as UTF-8 at all), and the values
# a clerk would type, so that some rows pass the checks.
cell = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
    st.sampled_from(
        [
            "",
            "江北街道",
            "惠城区江北街道",
            "441302",
            "劳动密集型加工制造",
            "labour_intensive",
            "证照齐全",
            "在营",
            valid_credit_code(9001),
            valid_credit_code(9002).lower(),
            "惠州市惠城区江北街道1号",
            "x" * 300,
        ]
    ),
)
rows = st.lists(st.lists(cell, min_size=0, max_size=len(HEADERS) + 1), max_size=8)


def csv_of(body):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


@FUZZ
@given(csv_bytes, st.sampled_from(["units.csv", "units.xlsx"]))
def test_import_reading_any_bytes_raises_only_file_unreadable(content, name):
    message, read = "", []
    try:
        read = list(read_rows(name, content))
    except FileUnreadable as error:
        message = str(error)
    # Refused in words a person can act on, or read as rows of text PostgreSQL can hold.
    assert message or all(isinstance(c, str) and "\x00" not in c for row in read for c in row)


@pytest.fixture
def importer(db):
    return UserFactory(username="importer", is_superuser=True)


@FUZZ_DB
@given(body=rows)
def test_import_check_reports_every_row(importer, body):
    cleaned, errors = check_file(
        name="units.csv", content=csv_of(body), user=importer, progress=lambda *_: None
    )

    if any(error["row"] == 0 for error in errors):  # the file as a whole was refused
        assert cleaned == []
        return
    # Each non-blank row is cleaned or has its problems, under its row number in Excel.
    filled = {number for number, row in enumerate(body, start=2) if any(c.strip() for c in row)}
    reported = {row["row"] for row in cleaned} | {error["row"] for error in errors}
    assert reported == filled
    assert all(set(error) == {"row", "column", "message"} for error in errors)


@FUZZ_DB
@given(content=st.one_of(csv_bytes, rows.map(csv_of)))
def test_import_check_job_ends_checked_or_failed_whatever_the_file(importer, content):
    upload = SimpleUploadedFile("units.csv", content, content_type="text/csv")
    started = enterprise_import_start(actor=importer, upload=upload)

    checked = enterprise_import_check(import_id=started.pk)

    assert checked.status in {EnterpriseImport.Status.READY, EnterpriseImport.Status.INVALID}
