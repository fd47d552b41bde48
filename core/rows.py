"""What every row of a list shares, looked up once for the list rather than once a row: a
field's choice labels in the active language, and the shape of a per-row link. The public
list's rows, its API and the staff batch page use these."""

from __future__ import annotations

import functools

from django.db.models import Model
from django.urls import reverse
from django.utils import translation

# A stand-in id: a URL reversed once with it is the shape of every row's link.
_STAND_IN_ID = 918273645


@functools.cache
def _choice_labels(model: type[Model], field_name: str, language: str | None) -> dict[str, str]:
    # Choices and their translations are fixed while the process runs.
    with translation.override(language):
        return {
            str(value): str(label)
            for value, label in model._meta.get_field(field_name).flatchoices  # type: ignore[union-attr]
        }


def choice_labels(model: type[Model], field_name: str) -> dict[str, str]:
    """The field's choices as {str(value): label} in the active language (what
    ``get_FOO_display`` shows, without hashing and translating every label on each call)."""
    return _choice_labels(model, field_name, translation.get_language())


def url_shape(view_name: str) -> tuple[str, str]:
    """The URL of ``view_name`` for an id, as the text before and after the id: reversed once
    for a list, each row's link is ``f"{head}{pk}{tail}"``."""
    head, _stand_in, tail = reverse(view_name, args=[_STAND_IN_ID]).partition(str(_STAND_IN_ID))
    return head, tail
