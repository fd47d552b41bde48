"""Filters of the site's logging (config/settings.py LOGGING)."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A refusal the site answers on purpose — 403 for PermissionDenied, 400 for a bad
    request, 404 — is logged by django.request with the exception attached, so every
    expected 403 printed a full traceback. It is worth one line (status and path); a 500
    keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
