"""The site's one form renderer: every form and field renders through templates/forms/."""

from __future__ import annotations

from typing import Any

from django.forms import BoundField
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData


class FormRenderer(TemplatesSetting):
    """Django's templates-setting renderer with our field template: ``{{ form }}`` and
    ``{{ field.as_field_group }}`` give the same label, required marker, help and errors,
    wired for screen readers, on every page."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


# The widget templates PlainFormRenderer writes in Python: Django's <input> (text, number,
# email, hidden, checkbox, …) and its <select> with plain options.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "checkbox",
        "date",
        "search",
        "tel",
    )
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """``{{ value }}`` in a template: localized if not a string, escaped unless safe."""
    if not isinstance(value, str | Promise):
        value = localize(value)
    return conditional_escape(value)


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: str() of the value (a tuple as its repr), escaped
    unless the value was already safe."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


class PlainFormRenderer(FormRenderer):
    """The site's renderer (the same HTML, byte for byte) with its commonest templates
    written in Python: forms/field.html for a field without errors that is neither a group
    of choices nor a checkbox, and Django's <input> and <select> widgets. Anything else
    falls back to the templates. For a form rendered on every request of a busy page (the
    public list's filters): the templates cost a include per field, per widget and per
    option, some 200 template renders for one form.
    tests/core/test_plain_form_renderer.py holds the two to the same output."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        if template_name == self.field_template_name:
            html = self._field(context["field"])
        elif template_name in _INPUT_TEMPLATES:
            html = self._input(context["widget"])
        elif template_name == _SELECT_TEMPLATE:
            html = self._select(context["widget"])
        else:
            html = None
        if html is None:
            return super().render(template_name, context, request=request)
        return html

    def _widget(self, field: BoundField) -> str:
        """``{{ field }}``: BoundField.as_widget, rendered by this renderer rather than the
        form's."""
        widget = field.field.widget
        if field.field.localize:
            widget.is_localized = True
        attrs = field.build_widget_attrs({}, widget)
        if field.auto_id and "id" not in widget.attrs:
            attrs.setdefault("id", field.auto_id)
        return widget.render(name=field.html_name, value=field.value(), attrs=attrs, renderer=self)

    def _field(self, field: BoundField) -> str | None:
        if field.is_hidden:
            return self._widget(field)
        if field.errors or field.use_fieldset or field.widget_type == "checkbox":
            return None
        required = (
            '<span class="field__required" aria-hidden="true"> *</span>'
            if field.field.required
            else ""
        )
        help_text = (
            f'<p class="field__help" id="{_text(field.auto_id)}_helptext">'
            f"{_text(field.help_text)}</p>"
            if field.help_text
            else ""
        )
        return (
            '<div class="field">\n  \n'
            f'    <label class="field__label" for="{_text(field.id_for_label)}">'
            f"{_text(field.label)}{required}</label>\n"
            f"    {help_text}\n"
            "    \n"
            f"    {self._widget(field)}\n"
            "  \n</div>"
        )

    def _input(self, widget: dict[str, Any]) -> str:
        value = widget["value"]
        shown = "" if value is None else f' value="{_formatted(value)}"'
        return (
            f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
            f"{shown}{_attrs(widget['attrs'])}>"
        )

    def _select(self, widget: dict[str, Any]) -> str | None:
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                if option["template_name"] != _OPTION_TEMPLATE:
                    return None
                parts.append(
                    f'\n  <option value="{_formatted(option["value"])}"'
                    f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)
