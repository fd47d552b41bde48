"""Celery jobs of rectification follow-up. Thin: parse the arguments, call the service."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task

from rectification.reminders import reminders_sweep
from rectification.services import case_letters_issue_missing

logger = logging.getLogger(__name__)


@shared_task(name="rectification.send_reminders")
def send_reminders(*, today: str | None = None) -> dict[str, int]:
    """The daily reminder sweep. ``today`` (ISO date) is for replaying a given day; the beat
    schedule passes none. Safe to run twice, or on two workers at once."""
    day = datetime.date.fromisoformat(today) if today else None
    result = reminders_sweep(today=day)
    return {
        "recorded": result.recorded,
        "emailed": result.emailed,
        "undeliverable": result.undeliverable,
    }


@shared_task(name="rectification.issue_missing_letters")
def issue_missing_letters() -> int:
    """Issue the rectification notice letter of every newly opened case (beat: every minute).

    Safe to run twice or on two workers at once (services.case_letter_ensure)."""
    issued = case_letters_issue_missing()
    if issued:
        logger.info("issued %d rectification notice letters", issued)
    return issued
