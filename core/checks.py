"""System checks of the kernel's settings, so a mistyped unit stops `manage.py check` and
every start, rather than the first reminder sweep that reads it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from core.calendar import PERIOD_UNIT_SETTINGS
from core.enums import PeriodUnit


@register()
def check_period_units(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    for unit_setting in PERIOD_UNIT_SETTINGS.values():
        value = getattr(settings, unit_setting, None)
        if value not in PeriodUnit.values:
            errors.append(
                Error(
                    f"{unit_setting} is {value!r}; it must be 'calendar' or 'working'.",
                    id="core.E001",
                )
            )
    return errors
