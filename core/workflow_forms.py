"""Forms that validate a workflow move's input by asking the move's own guards.

A rule about what a person must type for a move (a reason, a later deadline, at least one
correction) is an INPUT guard in the move's table (``core.workflow.needs``), and its message
lives there alone: the transition refuses with it, and the move's form shows it beside the
field the guard names (:meth:`core.workflow.Workflow.input_errors`), before anything is
saved. A form says which move it makes and how its cleaned data reads as the move's input.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from core.workflow import Workflow


class MoveForm(forms.Form):
    """A form for a move of ``workflow`` on ``record`` (the object the move is asked of)."""

    workflow: ClassVar[Workflow[Any]]

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
        # A field already refused (left blank, not a date) is not refused twice, and a
        # refusal about the input as a whole waits until each field is right.
        had_errors = bool(self.errors)
        for field, message in self.workflow.input_errors(self.record, move, values):
            if field in self.fields:
                if field not in self.errors:
                    self.add_error(field, message)
            elif not had_errors:
                self.add_error(None, message)
        return data
