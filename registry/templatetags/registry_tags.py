"""Template helpers of the staff area."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def error_summary(*forms_or_formsets: Any) -> list[dict[str, str]]:
    """Every error of the given forms and formsets, each with the id of its field, for the
    summary at the top of a form page (links move focus to the field)."""
    items: list[dict[str, str]] = []
    for item in forms_or_formsets:
        if not hasattr(item, "forms") and not hasattr(item, "is_bound"):
            continue  # a form the page does not have (an empty template variable)
        if hasattr(item, "forms"):
            items.extend(
                {"anchor": "", "label": "", "message": str(e)} for e in item.non_form_errors()
            )
            for number, form in enumerate(item.forms, start=1):
                items.extend(_form_errors(form, prefix=_("检查发现 %(n)d · ") % {"n": number}))
        else:
            items.extend(_form_errors(item))
    return items


def _form_errors(form: Any, prefix: str = "") -> list[dict[str, str]]:
    if not form.is_bound:
        return []
    found = [
        {"anchor": "", "label": prefix.strip(), "message": str(e)} for e in form.non_field_errors()
    ]
    for field in form:
        for error in field.errors:
            found.append(
                {
                    "anchor": field.id_for_label or field.auto_id,
                    "label": f"{prefix}{field.label}",
                    "message": str(error),
                }
            )
    return found


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
