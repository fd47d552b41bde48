"""Template helpers of the publication staff pages."""

from django import template
from django.core.exceptions import FieldDoesNotExist

from publicity.models import Entry

register = template.Library()


@register.filter
def printed_field_label(name: str) -> str:
    """The label of an entry's printed field named in an erratum's corrections."""
    try:
        field = Entry._meta.get_field(name)
    except FieldDoesNotExist:  # an unknown key shows as itself rather than breaking the page
        return name
    return str(getattr(field, "verbose_name", name))
