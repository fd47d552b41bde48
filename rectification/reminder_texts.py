"""What a reminder says (提醒的内容): its facts, kept as data in no language on the Reminder
row, and its subject and body written from them in the active language — the site's for the
stored email text, the reader's on the inbox page."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from rectification.enums import ReminderKind
from registry.models import bilingual_name

if TYPE_CHECKING:
    from rectification.models import Case, Reminder


def reminder_facts(case: Case, today: datetime.date) -> dict[str, Any]:
    """What a reminder says, as data in no language (kept on the Reminder row)."""
    return {
        "name": case.enterprise.name,
        "deadline": case.deadline.isoformat(),
        "days": abs((case.deadline - today).days),
        "department": case.department.name,
        "department_en": case.department.name_en,
        "person": case.responsible_person,
    }


def reminder_shown(reminder: Reminder) -> tuple[str, str]:
    """Subject and body of a stored reminder in the active language; a reminder from before
    its facts were kept reads as stored."""
    if not reminder.facts:
        return reminder.subject, reminder.body
    return reminder_text(reminder.case_id, reminder.kind, reminder.facts)


def reminder_text(case_id: int, kind: str, facts: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of a reminder, in the active language."""
    values = {
        **facts,
        "department": bilingual_name(facts["department"], facts.get("department_en", "")),
    }
    if kind == ReminderKind.BEFORE_DEADLINE:
        subject = _("%(name)s 的整改期限还有 %(days)d 天") % values
    elif kind == ReminderKind.OVERDUE:
        subject = _("%(name)s 已逾期 %(days)d 天未整改") % values
    else:
        subject = _("逾期上报督查：%(name)s 已逾期 %(days)d 天") % values
    body = (
        _(
            "单位：%(name)s\n整改期限：%(deadline)s\n跟踪整改责任单位：%(department)s\n"
            "责任人：%(person)s\n"
        )
        % values
    )
    link = settings.SITE_URL.rstrip("/") + reverse("rectification:case-detail", args=[case_id])
    return subject, body + _("请登录系统查看：%(link)s") % {"link": link}


# Stand-ins for the facts while reminder_text writes a reminder for SQL to complete: unlikely
# to occur in any translation. The numbers are what ``%d`` and the URL resolver accept.
_STAND_INS: dict[str, str | int] = {
    "name": "\x1fname\x1f",
    "deadline": "\x1fdeadline\x1f",
    "days": 918_273_645_501,
    "department": "\x1fdepartment\x1f",
    "person": "\x1fperson\x1f",
}
_CASE_STAND_IN = 918_273_645_502
# The order of the arguments SQL passes to format(), after the format string.
SQL_FORMAT_ARGUMENTS = ("name", "deadline", "days", "department", "person", "case")


def reminder_text_formats(kind: str) -> tuple[str, str]:
    """Subject and body of a reminder of ``kind`` in the active language, as PostgreSQL
    ``format()`` strings taking the facts in the order of ``SQL_FORMAT_ARGUMENTS`` (the
    department as shown, the days and the case id as text): the sweep writes its reminders
    in SQL with the very text :func:`reminder_text` gives."""
    facts = {**_STAND_INS, "department_en": ""}
    written = reminder_text(_CASE_STAND_IN, kind, facts)
    positions = {**_STAND_INS, "case": _CASE_STAND_IN}
    formats = []
    for text in written:
        text = text.replace("%", "%%")  # a literal percent sign in the text or translation
        for number, name in enumerate(SQL_FORMAT_ARGUMENTS, start=1):
            text = text.replace(str(positions[name]), f"%{number}$s")
        formats.append(text)
    return formats[0], formats[1]
