"""The UI kit's template helpers: the error summary's problems, pagination links that keep
the list's filters, numbers with digit grouping, a form field rendered without templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Model
from django.forms import BoundField
from django.utils.encoding import force_str

from core import rows
from core.forms import PlainFormRenderer
from core.pages import COUNT_BOUND, query_without_page
from core.rows import choice_labels

register = template.Library()

_plain_renderer = PlainFormRenderer()


@register.simple_tag
def field_group(field: BoundField) -> str:
    """``{{ field.as_field_group }}`` (or ``{{ field }}`` for a hidden field), the same HTML
    written mostly in Python (core.forms.PlainFormRenderer), for a form on a busy page."""
    return field.render(renderer=_plain_renderer)


@register.simple_tag
def error_summary(*forms_or_formsets: Any, item_label: str = "") -> list[dict[str, str]]:
    """Every error of the given forms and formsets, each with the id of its field, for the
    summary at the top of a form page (its links move focus to the field). A formset's forms
    are told apart by ``item_label`` and their number ("检查发现 2 · 描述：…")."""
    items: list[dict[str, str]] = []
    for item in forms_or_formsets:
        if not hasattr(item, "forms") and not hasattr(item, "is_bound"):
            continue  # a form the page does not have (an empty template variable)
        if hasattr(item, "forms"):
            items.extend(
                {"anchor": "", "label": "", "message": str(e)} for e in item.non_form_errors()
            )
            for number, form in enumerate(item.forms, start=1):
                items.extend(_form_errors(form, prefix=f"{item_label} {number} · ".lstrip()))
        else:
            items.extend(_form_errors(item))
    return items


def _form_errors(form: Any, prefix: str = "") -> list[dict[str, str]]:
    if not form.is_bound:
        return []
    found = [
        {"anchor": "", "label": prefix.strip(" ·"), "message": str(e)}
        for e in form.non_field_errors()
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


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int) -> str:
    """The link to page ``number`` of the current list, keeping every filter of the query
    string."""
    query = query_without_page(context["request"])
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.filter
def grouped(value: Any, places: int | None = None) -> str:
    """A number with comma digit grouping, whatever the language (10936000 → "10,936,000";
    money with ``|grouped:2`` → "10,936,000.00"). Python's own formatting, so the result
    never depends on the server's locale. Anything not a number is returned as it is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return "" if value is None else str(value)
    if places is None:
        return f"{value:,}"
    return f"{value:,.{int(places)}f}"


@register.filter
def choice_label(instance: Model, field_name: str) -> str:
    """``instance.get_<field_name>_display()`` in the current language, for a list that
    shows it on every row."""
    value = getattr(instance, field_name)
    return force_str(
        choice_labels(type(instance), field_name).get(str(value), value), strings_only=True
    )  # type: ignore[no-any-return]


@register.simple_tag
def url_shape(view_name: str) -> tuple[str, str]:
    """The link of ``view_name`` for any id, to be filled in per row by ``with_id``: a list
    that links every row reverses once, not once a row."""
    return rows.url_shape(view_name)


@register.filter
def with_id(shape: tuple[str, str], pk: int) -> str:
    """``{% url view_name pk %}`` from the view's ``url_shape``."""
    head, tail = shape
    return f"{head}{int(pk)}{tail}"


@register.filter
def bounded(value: Any, bound: int = COUNT_BOUND) -> str:
    """A count that stopped early (core.pages.bounded_count), grouped: "1,000+" when it
    found more than ``bound`` rows."""
    if isinstance(value, int) and not isinstance(value, bool) and value > bound:
        return f"{bound:,}+"
    return grouped(value)
