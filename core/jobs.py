"""Enqueueing jobs by task name, so a service never imports a tasks module (no import circles:
tasks import services, services name tasks)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)

# After the broker failed, sends are refused at once for this many seconds instead of each
# costing a connection attempt (redis-py retries for about two seconds): a web request that
# commits a move during an outage stays fast, and the outbox sweep sends the job later.
BROKER_RETRY_AFTER_SECONDS = 10.0
_broker_down_until = 0.0


def job_send(task_name: str, **kwargs: Any) -> bool:
    """Send one job to the broker now; False (and logged) if the broker cannot be reached.

    Never retries: a caller that must not lose the job keeps an outbox row and sends it again
    later (publicity.PublicationJob); the others are re-run by hand or by their beat sweep.
    """
    from celery import current_app

    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        logger.warning("job %s%s not sent; the broker was unreachable just now", task_name, kwargs)
        return False
    try:
        current_app.send_task(task_name, kwargs=kwargs, retry=False)
    except Exception:  # The broker's errors vary by transport; any of them means "later".
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER_SECONDS
        logger.exception("job %s%s not sent; the broker is unreachable", task_name, kwargs)
        return False
    return True


def job_send_on_commit(task_name: str, **kwargs: Any) -> None:
    """Send the job once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: job_send(task_name, **kwargs))
