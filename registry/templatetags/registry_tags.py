"""Template helpers of the staff area."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def audit_changes(record: Any) -> list[dict[str, str]]:
    """The changed fields of an audit record, in a stable order."""
    return [value for _name, value in sorted(record.changes.items())]


@register.filter
def person(user: Any) -> str:
    """A staff member's name as written in Chinese (family name first), else the username."""
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()
