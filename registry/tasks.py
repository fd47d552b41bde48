"""Jobs of the registry: the two steps of a bulk import. Thin: ids in, a service call."""

from __future__ import annotations

import logging

from celery import shared_task

from registry.importing import enterprise_import_apply, enterprise_import_check
from registry.services import pending_uploads_purge

logger = logging.getLogger(__name__)


@shared_task(name="registry.enterprise_import_check")
def enterprise_import_check_task(*, import_id: int) -> None:
    result = enterprise_import_check(import_id=import_id)
    if result is None:
        logger.info("enterprise import %s is gone; nothing to check", import_id)


@shared_task(name="registry.enterprise_import_apply")
def enterprise_import_apply_task(*, import_id: int) -> None:
    result = enterprise_import_apply(import_id=import_id)
    if result is None:
        logger.info("enterprise import %s is gone; nothing to apply", import_id)


@shared_task(name="registry.purge_pending_uploads")
def purge_pending_uploads() -> int:
    """Drop evidence staged on forms that were never saved (beat: hourly). Safe to run twice."""
    purged = pending_uploads_purge()
    logger.info("purged %s staged uploads", purged)
    return purged
