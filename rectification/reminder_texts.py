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
