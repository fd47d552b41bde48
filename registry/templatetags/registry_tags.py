"""Template helpers of the staff area."""

from __future__ import annotations

from typing import Any

from django import template

from registry.authorities import authority_rules
from registry.history import changes_shown

register = template.Library()


@register.filter
def audit_changes(record: Any) -> list[dict[str, str]]:
    """The changed fields of an audit record, in a stable order, in the reader's language
    (the selectors prepare a page's records at once; a lone record is prepared here)."""
    if not hasattr(record, "shown"):
        changes_shown([record])
    return record.shown  # type: ignore[no-any-return]


@register.filter
def person(user: Any) -> str:
    """A staff member's name as written in Chinese (family name first), else the username."""
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


@register.filter
def authority_name(authority_id: int | None) -> str:
    """The name of the authority with this id, in the page's language (a batch's)."""
    return authority_rules(authority_id).display_name if authority_id else ""
