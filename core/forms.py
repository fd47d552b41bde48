"""The site's one form renderer: every form and field renders through templates/forms/."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Django's templates-setting renderer with our field template: ``{{ form }}`` and
    ``{{ field.as_field_group }}`` give the same label, required marker, help and errors,
    wired for screen readers, on every page."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
