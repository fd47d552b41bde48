"""Celery jobs of rectification follow-up. Thin: parse the arguments, call the service."""

from __future__ import annotations

import datetime

from celery import shared_task

from rectification.reminders import reminders_sweep


@shared_task(name="rectification.send_reminders")
def send_reminders(*, today: str | None = None) -> dict[str, int]:
    """The daily reminder sweep. ``today`` (ISO date) is for replaying a given day; the beat
    schedule passes none. Safe to run twice, or on two workers at once."""
    day = datetime.date.fromisoformat(today) if today else None
    result = reminders_sweep(today=day)
    return {"recorded": result.recorded, "emailed": result.emailed}
