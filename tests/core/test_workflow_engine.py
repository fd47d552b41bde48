"""The workflow engine's two paths shared by every aggregate: making a move
(``Workflow.apply``) and asking a move's input guards for a form (``input_errors``)."""

import datetime

import pytest

from core.workflow import SYSTEM_ACTOR
from rectification.enums import CaseStatus
from rectification.models import Case
from rectification.workflows import CASE, CaseError


def test_apply_sets_the_target_and_says_what_changed():
    case = Case(pk=1, status=CaseStatus.OPEN)

    done = CASE.apply(
        case,
        "cancel",
        SYSTEM_ACTOR,
        values={"text": "条目已撤回"},
        fields={"closed_on": datetime.date(2026, 2, 1)},
        save=False,
    )

    assert (done.name, done.source, done.target, done.changed, done.moved) == (
        "cancel",
        CaseStatus.OPEN,
        CaseStatus.CANCELLED,
        ("status", "closed_on"),
        True,
    )
    assert (case.status, case.closed_on) == (CaseStatus.CANCELLED, datetime.date(2026, 2, 1))


def test_apply_refuses_with_the_guards_message_and_changes_nothing():
    case = Case(pk=1, status=CaseStatus.OPEN)

    with pytest.raises(CaseError, match="^撤销整改跟踪须写明原因。$"):
        CASE.apply(case, "cancel", SYSTEM_ACTOR, values={"text": " "}, save=False)

    assert case.status == CaseStatus.OPEN


def test_input_errors_asks_every_input_guard_with_its_field():
    case = Case(pk=1, status=CaseStatus.OPEN, deadline=datetime.date(2026, 3, 2))
    today = datetime.date(2026, 2, 1)

    assert CASE.input_errors(case, "fail", {}, today=today) == [
        ("text", "复查不合格须写明原因。"),
        ("new_deadline", "复查不合格须给出今天以后的新整改期限。"),
    ]
    assert (
        CASE.input_errors(
            case,
            "fail",
            {"text": "仍未整改", "new_deadline": datetime.date(2026, 2, 2)},
            today=today,
        )
        == []
    )
    # Only the input is asked: who acts and the record's state are the transition's.
    assert CASE.input_errors(Case(pk=1, status=CaseStatus.RECTIFIED), "progress", {}) == [
        (None, "请填写整改进展或上传至少一个证据文件。")
    ]
