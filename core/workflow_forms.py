"""Forms that validate a workflow move's input by asking the move's own guards.

A rule about what a person must type for a move (a reason, a later deadline, at least one
correction) is an INPUT guard in the move's table (``core.workflow.needs``), and its message
lives there alone: the transition refuses with it, and the move's form shows it beside the
field the guard names (:meth:`core.workflow.Workflow.input_errors`), before anything is
saved; a required field left blank reads the guard's message too, rather than a copy of it
in the field's ``error_messages``. A form says which move it makes and how its cleaned data
reads as the move's input.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from core.workflow import Workflow


class MoveForm(forms.Form):
    """A form for a move of ``workflow`` on ``record`` (the object the move is asked of)."""

    workflow: ClassVar[Workflow[Any]]
    # The form's field for an input the guards name otherwise (a batch's "comment" is the
    # return form's "reason").
    input_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record = record

    def move_input(self, data: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """The move the cleaned ``data`` asks for and its input as the guards read it; None
        when the form makes no move with input to check."""
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        asked = self.move_input(data)
        if asked is None:
            return data
        move, values = asked
        # A field refused for what it holds (not a date, too long) keeps that refusal; one
        # left blank takes the guard's words. A refusal about the input as a whole waits
        # until each field is right.
        had_errors = bool(self.errors)
        for name, message in self.workflow.input_errors(self.record, move, values):
            field = self.input_fields.get(name, name) if name is not None else None
            if field is not None and field in self.fields:
                if self.has_error(field, "required"):
                    # Left blank: the guard's own words, not Django's "required".
                    self.errors.pop(field)
                if field not in self.errors:
                    self.add_error(field, message)
            elif not had_errors:
                self.add_error(None, message)
        return data
