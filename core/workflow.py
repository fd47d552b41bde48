"""The workflow engine: a table of moves as plain data, read by everything that needs a rule.

Each aggregate (batch, entry, case, objection, erratum, submission, enterprise import) declares
one :class:`Workflow`: its moves, each from some states to one state (or to the same state, for
an action that changes no status), who may make it (a Django permission held through the role
groups; a person, the unit through its access code, or only the system), its guards, and the
side effects its transition function triggers. The same table answers four questions:

* the transition function makes its move through :meth:`Workflow.apply`: the move is checked
  (a refusal raises the aggregate's domain error, with a message a person can act on), the
  record takes the move's target state and the fields the move sets, and is saved with
  ``update_fields``; the :class:`Transition` it returns (move, from and to state, changed
  fields) is what the function writes its history row from, in the same transaction, before
  it arranges its side effects (jobs, signals on commit). A transition function holds only
  what is its aggregate's own: the fields it sets, its history row, its effects;
* a form asks :meth:`Workflow.input_errors` what the move's ``INPUT`` guards say of what
  was typed, and shows each message beside the field the guard names
  (``core.workflow_forms.MoveForm``), so the message lives with the guard alone;
* a page asks :meth:`Workflow.rights` which buttons to show, enabled or disabled with the
  reason and the date from which the move applies;
* the admin reads :meth:`Workflow.states` to keep status fields read-only, and the docs print
  :meth:`Workflow.describe`.

Guards come in three stages. ``WHO`` guards are about the person (the composer, not the
composer, a liaison of the case's department, the record in their area): failing one hides the
button. ``WHEN`` guards are about the record now (the notice period is over, every objection
decided): failing one shows the button disabled with the reason, or hides it when the guard
says so. ``INPUT`` guards check what the person typed (a reason, a date) and run only when
the values are there: at :meth:`Workflow.check` (and so :meth:`Workflow.apply`), and when
a form asks :meth:`Workflow.input_errors`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone
from django.utils.functional import Promise

T = TypeVar("T")

# Who makes a move.
PERSON = "person"  # a signed-in member of staff, holding the move's permission
UNIT = "unit"  # the exposed unit, through the access code on its letter
SYSTEM = "system"  # a job or another workflow's side effect; never a button

WHO = "who"
WHEN = "when"
INPUT = "input"


class _System:
    """The actor of a system move (a job, or a move another workflow makes)."""

    is_authenticated = False
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


class _Unit:
    """The exposed unit acting through its access code (no account)."""

    is_authenticated = False
    pk = None

    def __repr__(self) -> str:
        return "UNIT"


SYSTEM_ACTOR = _System()
UNIT_ACTOR = _Unit()
Actor = User | AnonymousUser | _System | _Unit


@dataclass(frozen=True)
class Refusal:
    """Why a move cannot be made now; ``available_from`` when it will be possible on a known
    day, ``hide`` when a page should not offer it at all."""

    reason: str
    available_from: datetime.date | None = None
    hide: bool = False


@dataclass
class Context(Generic[T]):
    """What a guard sees: the record, who acts, today, and (at check time) the input."""

    obj: T
    actor: Actor
    today: datetime.date
    values: Mapping[str, Any] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def user(self) -> User | None:
        return self.actor if isinstance(self.actor, User) else None


GuardFunction = Callable[[Context[Any]], Refusal | str | None]


@dataclass(frozen=True)
class Guard:
    stage: str
    check: GuardFunction
    name: str
    # For an INPUT guard, the input it is about (a key of the values, and the name of the
    # form field that holds it unless the form maps it, ``MoveForm.input_fields``): a form
    # shows the refusal beside that field.
    field: str | None = None

    def __call__(self, context: Context[Any]) -> Refusal | None:
        result = self.check(context)
        if result is None or isinstance(result, Refusal):
            return result
        return Refusal(str(result))


def who(check: GuardFunction) -> Guard:
    """A guard about the person: failing it hides the move."""
    return Guard(WHO, check, check.__name__)


def when(check: GuardFunction) -> Guard:
    """A guard about the record now: failing it disables the move, with the reason."""
    return Guard(WHEN, check, check.__name__)


def needs(check: GuardFunction, *, field: str | None = None) -> Guard:
    """A guard about the input given with the move: checked when it is made, and by the
    move's form (:meth:`Workflow.input_errors`); ``field`` names the input it is about."""
    return Guard(INPUT, check, check.__name__, field)


@dataclass(frozen=True)
class Move:
    """One row of a workflow table."""

    name: str
    source: tuple[str, ...]  # the states it leaves from; () for the move that creates
    target: str | None  # the state it enters; None: the status stays (an action)
    label: str | Promise
    # Who may make it: PERSON (a member of staff holding ``permission``), UNIT, SYSTEM.
    by: tuple[str, ...] = (PERSON,)
    permission: str | None = None
    guards: tuple[Guard, ...] = ()
    # What the transition function does besides the status and the history row: plain words
    # for the docs and the admin; the code that does it sits beside the transition function.
    effects: tuple[str | Promise, ...] = ()
    # The message for someone without the permission, where the role is worth naming.
    denied: str | Promise | None = None
    # The message for a record in another state ("%(state)s" is its state's label), where
    # the workflow's general one reads badly.
    refused: str | Promise | None = None

    @property
    def stays(self) -> bool:
        return self.target is None


@dataclass(frozen=True)
class Decision:
    """Whether one actor may make one move on one record now, and if not, why."""

    move: Move
    allowed: bool
    reason: str = ""
    available_from: datetime.date | None = None
    # Offer the move on the page (enabled if allowed, else disabled with the reason)?
    shown: bool = False
    # What refused it: "permission", "state", or the failing guard's name.
    refused_by: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def label(self) -> str:
        return str(self.move.label)

    @property
    def disabled(self) -> bool:
        return self.shown and not self.allowed

    @property
    def permitted(self) -> bool:
        """The person's permission covers the move (whatever the record's state or guards
        say now): a view lets them try, and the service says why it refuses."""
        return self.refused_by != "permission"


@dataclass(frozen=True)
class Transition:
    """A move made on a record by :meth:`Workflow.apply`: the state it left (blank for a new
    record) and the one it entered (the same, for an action), and the fields it set."""

    move: Move
    source: str
    target: str
    changed: tuple[str, ...]
    field: str  # the record's field that holds its state (the workflow's ``status_field``)

    @property
    def name(self) -> str:
        return self.move.name

    @property
    def moved(self) -> bool:
        """Whether the status changed."""
        return self.source != self.target


class Rights(Mapping[str, Decision]):
    """Every move of a workflow decided for one actor and one record: ``rights.approve`` is a
    :class:`Decision` (true when allowed), ``rights.approve.shown`` says whether to show it."""

    def __init__(self, decisions: dict[str, Decision]) -> None:
        self._decisions = decisions

    def __getitem__(self, name: str) -> Decision:
        return self._decisions[name]

    def __getattr__(self, name: str) -> Decision:
        try:
            return self._decisions[name]
        except KeyError as missing:
            raise AttributeError(name) from missing

    def __iter__(self) -> Any:
        return iter(self._decisions)

    def __len__(self) -> int:
        return len(self._decisions)

    @property
    def any(self) -> bool:
        """Whether any move is allowed (for a page's "actions" section)."""
        return any(decision.allowed for decision in self._decisions.values())

    @property
    def shown(self) -> list[Decision]:
        return [d for d in self._decisions.values() if d.shown]


# Every table, by name, as declared (read by the docs: ``manage.py workflows``).
TABLES: dict[str, Workflow[Any]] = {}


class Workflow(Generic[T]):
    """The table of one aggregate's moves and the questions asked of it."""

    def __init__(
        self,
        *,
        name: str,
        states: Iterable[tuple[str, Any]],
        moves: Iterable[Move],
        error: type[Exception],
        state_of: Callable[[T], str | None],
        refused: Callable[[str, str], str],
        status_field: str = "status",
    ) -> None:
        self.name = name
        # The record's field that holds its state (what :meth:`apply` sets).
        self.status_field = status_field
        self._states = dict(states)
        self.moves: dict[str, Move] = {}
        for move in moves:
            if move.name in self.moves:
                raise ValueError(f"{name}: move {move.name} declared twice")
            unknown = {*move.source, *([move.target] if move.target else [])} - set(self._states)
            if unknown:
                raise ValueError(f"{name}.{move.name}: unknown states {sorted(unknown)}")
            if PERSON in move.by and move.permission is None:
                raise ValueError(f"{name}.{move.name}: a person's move needs a permission")
            self.moves[move.name] = move
        self.error = error
        self._state_of = state_of
        # "This record is <state>; it cannot become <target>": the message of a move from the
        # wrong state, given the state's label and the target's (an action's own label).
        self._refused = refused
        TABLES[name] = self

    # --- Reading the table -------------------------------------------------------------------

    def states(self) -> dict[str, Any]:
        return dict(self._states)

    def targets(self, state: str | None) -> set[str]:
        """The states reachable from ``state`` in one move, by anyone."""
        return {
            m.target
            for m in self.moves.values()
            if m.target and (state in m.source or (state is None and not m.source))
        }

    def describe(self) -> list[dict[str, str]]:
        """The table in words, for the docs and the admin."""
        rows = []
        for move in self.moves.values():
            rows.append(
                {
                    "move": move.name,
                    "from": ", ".join(move.source) or "(new)",
                    "to": move.target or "(same)",
                    "by": " / ".join(move.by),
                    "permission": move.permission or "—",
                    "guards": ", ".join(f"{g.name.lstrip('_')} ({g.stage})" for g in move.guards)
                    or "—",
                    "effects": "; ".join(str(e) for e in move.effects) or "—",
                }
            )
        return rows

    def markdown(self) -> str:
        """The table as Markdown, for docs/architecture.md."""
        columns = ["move", "from", "to", "by", "permission", "guards", "effects"]
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        for row in self.describe():
            lines.append("| " + " | ".join(row[c].replace("|", "/") for c in columns) + " |")
        return "\n".join(lines)

    # --- Deciding ----------------------------------------------------------------------------

    def decide(
        self,
        obj: T,
        name: str,
        actor: Actor,
        *,
        today: datetime.date | None = None,
        values: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
        check_input: bool = False,
    ) -> Decision:
        move = self.moves[name]
        context: Context[T] = Context(
            obj=obj,
            actor=actor,
            today=today or timezone.localdate(),
            values=values or {},
            extra=extra or {},
        )
        state = self._state_of(obj)
        if not self._actor_may(move, actor):
            return Decision(move, False, self._not_yours(move), refused_by="permission")
        if (move.source and state not in move.source) or (not move.source and state is not None):
            label = str(self._states.get(state, state)) if state is not None else "—"
            if move.refused:
                reason = str(move.refused) % {"state": label}
            else:
                target = self._states[move.target] if move.target else move.label
                reason = self._refused(label, str(target))
            return Decision(move, False, reason, refused_by="state")
        for guard in move.guards:
            if guard.stage == INPUT and not check_input:
                continue
            refusal = guard(context)
            if refusal is None:
                continue
            shown = guard.stage != WHO and not refusal.hide
            return Decision(
                move,
                False,
                refusal.reason,
                refusal.available_from,
                shown=shown,
                refused_by=guard.name.lstrip("_"),
            )
        return Decision(move, True, shown=move.by != (SYSTEM,))

    def check(
        self,
        obj: T,
        name: str,
        actor: Actor,
        *,
        today: datetime.date | None = None,
        values: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Move:
        """The move if ``actor`` may make it on ``obj`` now with ``values``; else raise the
        workflow's error with the reason."""
        decision = self.decide(
            obj, name, actor, today=today, values=values, extra=extra, check_input=True
        )
        if not decision.allowed:
            raise self.error(decision.reason)
        return decision.move

    def apply(
        self,
        obj: T,
        name: str,
        actor: Actor,
        *,
        today: datetime.date | None = None,
        values: Mapping[str, Any] | None = None,
        extra: Mapping[str, Any] | None = None,
        fields: Mapping[str, Any] | None = None,
        save: bool = True,
    ) -> Transition:
        """Make move ``name`` on ``obj``: :meth:`check` it (``values`` are the input its
        guards read), then set the move's target state, if it has one and it differs, and
        ``fields``, the other columns the move sets. With ``save``, the record is saved:
        a new one inserted, an existing one with ``update_fields`` (the changed fields
        only; nothing when none changed). Returns what was done, for the transition
        function's history row and side effects."""
        move = self.check(obj, name, actor, today=today, values=values, extra=extra)
        source = self._state_of(obj) or ""
        changed: list[str] = []
        if move.target is not None and move.target != source:
            setattr(obj, self.status_field, move.target)
            changed.append(self.status_field)
        for field_name, value in (fields or {}).items():
            setattr(obj, field_name, value)
            changed.append(field_name)
        if save:
            record: Any = obj  # a model instance
            if record._state.adding:
                record.save()
            elif changed:
                record.save(update_fields=changed)
        return Transition(move, source, move.target or source, tuple(changed), self.status_field)

    def input_errors(
        self,
        obj: T,
        name: str,
        values: Mapping[str, Any],
        *,
        actor: Actor | None = None,
        today: datetime.date | None = None,
    ) -> list[tuple[str | None, str]]:
        """What the move's INPUT guards say of ``values`` (a form's cleaned data), each
        refusal with the field it is about (None: the input as a whole). Every input guard
        is asked, so a form shows all its problems at once; who may make the move, and
        whether the record allows it now, stay the transition's to check."""
        context: Context[T] = Context(
            obj=obj,
            actor=actor if actor is not None else SYSTEM_ACTOR,
            today=today or timezone.localdate(),
            values=values,
        )
        errors: list[tuple[str | None, str]] = []
        for guard in self.moves[name].guards:
            if guard.stage != INPUT:
                continue
            refusal = guard(context)
            if refusal is not None:
                errors.append((guard.field, refusal.reason))
        return errors

    def rights(
        self,
        obj: T,
        actor: Actor,
        *,
        today: datetime.date | None = None,
        extra: Mapping[str, Any] | None = None,
        moves: Iterable[str] | None = None,
    ) -> Rights:
        """Every move (or those named) decided for ``actor``: what a page may offer."""
        today = today or timezone.localdate()
        names = list(moves) if moves is not None else list(self.moves)
        return Rights({n: self.decide(obj, n, actor, today=today, extra=extra) for n in names})

    # --- Helpers -----------------------------------------------------------------------------

    @staticmethod
    def _actor_may(move: Move, actor: Actor) -> bool:
        if actor is SYSTEM_ACTOR:
            return SYSTEM in move.by
        if actor is UNIT_ACTOR:
            return UNIT in move.by
        if PERSON not in move.by or not isinstance(actor, User) or not actor.is_active:
            return False
        return move.permission is None or actor.has_perm(move.permission)

    @staticmethod
    def _not_yours(move: Move) -> str:
        from django.utils.translation import gettext as _

        if move.denied:
            return str(move.denied)
        if move.by == (SYSTEM,):
            return _("“%(move)s”由系统自动完成。") % {"move": move.label}
        return _("您没有“%(move)s”的权限。") % {"move": move.label}
