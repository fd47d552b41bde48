"""The UI kit's template helpers: the error summary's problems, pagination links that keep
the list's filters, numbers with digit grouping, a form field rendered without templates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Model
from django.forms import BoundField
from django.forms.widgets import ChoiceWidget
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from core import rows
from core.calendar import Deadline
from core.forms import PlainFormRenderer
from core.pages import COUNT_BOUND, query_without_page
from core.rows import choice_labels

register = template.Library()

_plain_renderer = PlainFormRenderer()


# Fields already rendered, by what their HTML depends on (``_rendered_key``); a process's
# forms that opt in have few distinct states (a filter's value among its choices), and the
# table is emptied when it grows past the bound.
_RENDERED: dict[tuple[Any, ...], str] = {}
_RENDERED_MAX = 4096


def _choices_key(choices: Any) -> tuple[Any, ...]:
    return tuple(
        (str(value), _choices_key(label) if isinstance(label, list | tuple) else str(label))
        for value, label in choices
    )


def _rendered_key(field: BoundField) -> tuple[Any, ...] | None:
    """What a field's HTML depends on, for a form that declares ``render_fields_once``
    (its fields' attributes fixed by its class, not set per instance): the language, the
    field, its value and its choices as shown. None (render it) for any other form, or a
    field with errors."""
    form = field.form
    if not getattr(form, "render_fields_once", False) or field.errors:
        return None
    # The options a <select> or its radios show (a hidden field's are not read: a model's
    # would be its whole table).
    shown = isinstance(field.field.widget, ChoiceWidget)
    choices = getattr(field.field, "choices", None) if shown else None
    return (
        translation.get_language(),
        # By name: a filter set builds its form's class afresh for every instance.
        f"{type(form).__module__}.{type(form).__qualname__}",
        form.prefix,
        form.auto_id,
        field.name,
        repr(field.value()),
        None if choices is None else _choices_key(choices),
    )


@register.simple_tag
def field_group(field: BoundField) -> str:
    """``{{ field.as_field_group }}`` (or ``{{ field }}`` for a hidden field), the same HTML
    written mostly in Python (core.forms.PlainFormRenderer), for a form on a busy page; a
    form that declares ``render_fields_once`` (the public list's filters) has each field
    rendered once per language, value and choices, then reused."""
    key = _rendered_key(field)
    if key is None:
        return field.render(renderer=_plain_renderer)
    html = _RENDERED.get(key)
    if html is None:
        html = field.render(renderer=_plain_renderer)
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        _RENDERED[key] = html
    return html


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


@register.simple_tag
def deadline(info: Deadline, calendar_assumed: bool = False) -> SafeString:
    """A deadline, and why it moved if it did: ``info`` is a core.calendar.Deadline (a model's
    ``deadline_info``); ``calendar_assumed`` says its year's holidays were assumed. Written
    in Python: the staff batch page shows one on each of its 100 rows."""
    day = info.day.isoformat()
    html = f'<time datetime="{day}">{day}</time>'
    if info.moved:
        html += f'<span class="deadline-moved">{conditional_escape(info.reason)}</span>'
    if calendar_assumed:
        assumed = gettext(
            "%(years)s 年的节假日安排尚未录入，按周末和元旦、劳动节、国庆节的法定日期计算"
        ) % {"years": info.day.year}
        html += (
            f'<span class="deadline-moved deadline-assumed">{conditional_escape(assumed)}</span>'
        )
    return mark_safe(html)  # noqa: S308 - every value above is escaped
