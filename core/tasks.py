"""Jobs of the kernel."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.health import WORKER_HEARTBEAT
from core.models import Heartbeat
from core.role_grants import role_grant_notify_pending, role_grant_notify_send


@shared_task(name="core.heartbeat")
def heartbeat() -> None:
    """A worker is alive and takes jobs from the queue: /healthz reads when it last said so."""
    Heartbeat.objects.update_or_create(name=WORKER_HEARTBEAT, defaults={"beat_at": timezone.now()})


@shared_task(name="core.role_grant_notify")
def role_grant_notify(*, grant_id: int) -> None:
    """Email the holders of the same rights about a confirmed role grant (once)."""
    role_grant_notify_send(grant_id=grant_id)


@shared_task(name="core.role_grant_notify_pending")
def role_grant_notify_pending_task() -> int:
    """The emails of confirmed role grants whose job was lost or failed (beat)."""
    return role_grant_notify_pending()
