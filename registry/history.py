"""The history rows every app writes (``registry.AuditRecord``): a record created or changed,
with the fields that moved from what to what, and a workflow move (core.workflow) with its
reason. Written by the services in the same transaction as the change, never by a signal.

Registry is the lowest domain app, so rectification and publicity write theirs here too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from core.bulk import rows_insert
from core.workflow import Transition
from registry.models import (
    AuditRecord,
)


def _display(obj: models.Model, name: str) -> str:
    """A field's value as a person reads it (choice labels, names of related rows)."""
    model_field = obj._meta.get_field(name)
    if isinstance(model_field, models.ManyToManyField):
        return "、".join(_item_label(item) for item in getattr(obj, name).all())
    value = getattr(obj, name)
    if (
        value is None
        or value == ""
        or value is False
        and not isinstance(model_field, models.BooleanField)
    ):
        return ""
    if getattr(model_field, "choices", None):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(model_field, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(model_field, models.DecimalField):
        # The same amount reads the same whether it came from the form or the database.
        return f"{Decimal(value):.{model_field.decimal_places}f}"
    return str(value)


# Cached: a bulk import stores the same eight labels on every one of 100,000 rows, and the
# labels are read in the site's language, which does not change while the process runs.
@functools.cache
def _stored_label(model_field: Any, name: str) -> str:
    with override(settings.LANGUAGE_CODE):
        return str(getattr(model_field, "verbose_name", name))


def person_label(user: User | None) -> str:
    """A staff member as the history names them (family name first), or nothing."""
    return "" if user is None else _item_label(user)


def _item_label(item: models.Model) -> str:
    if isinstance(item, User):
        # Staff are named family name first, as on the inspection record.
        return f"{item.last_name}{item.first_name}".strip() or item.get_username()
    return str(item)


def _snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, str]:
    # Stored in the site's language whatever the actor's, so a history row reads the same
    # for everyone and is translated when shown (changes_shown).
    with override(settings.LANGUAGE_CODE):
        return {name: _display(obj, name) for name in names}


def audit_snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, str]:
    """The audited fields of a row as people read them (for writers outside this module:
    the admin)."""
    return _snapshot(obj, names)


def audit_snapshotter(
    model: type[models.Model], names: Sequence[str]
) -> Callable[[models.Model], dict[str, str]]:
    """``audit_snapshot`` for many rows of one model (a bulk write): the same values, with what
    does not vary from row to row (a choice's labels, the name of a related row) read once
    rather than once a row, in the site's language."""
    with override(settings.LANGUAGE_CODE):
        readers = [(name, _field_reader(model._meta.get_field(name), name)) for name in names]
    return lambda obj: {name: read(obj) for name, read in readers}


def _display_stored(obj: models.Model, name: str) -> str:
    with override(settings.LANGUAGE_CODE):
        return _display(obj, name)


def _field_reader(model_field: Any, name: str) -> Callable[[models.Model], str]:
    """``_display`` of one field, faster where it can be and the same value always: any case
    not covered here falls back to ``_display`` itself."""
    if isinstance(model_field, models.ForeignKey):
        attname = model_field.attname
        related_names: dict[Any, str] = {}

        def related(obj: models.Model) -> str:
            key = getattr(obj, attname)
            if key is None:
                return _display_stored(obj, name)
            if key not in related_names:
                related_names[key] = _display_stored(obj, name)
            return related_names[key]

        return related
    if isinstance(model_field, (models.ManyToManyField, models.BooleanField, models.DecimalField)):
        return lambda obj: _display_stored(obj, name)
    labels = {value: str(label) for value, label in model_field.flatchoices or []}
    if labels:

        def choice(obj: models.Model) -> str:
            value = getattr(obj, name)
            if type(value) is str and value != "" and value in labels:
                return labels[value]
            return _display_stored(obj, name)

        return choice

    def plain(obj: models.Model) -> str:
        value = getattr(obj, name)
        if value is None or value is False:
            return ""
        if type(value) is str:
            return value
        return _display_stored(obj, name)

    return plain


def audit_record(
    *,
    actor: User,
    obj: models.Model,
    action: str,
    before: dict[str, str] | None,
    after: dict[str, str],
    filed_under: models.Model | None = None,
    move: str = "",
    comment: str = "",
) -> AuditRecord | None:
    """Record a create (``before`` None) or the fields a change moved; nothing if none moved.

    ``filed_under`` files the row in another record's history (a draft batch keeps the
    history of its entries, which may be taken out again); the labels are still ``obj``'s.
    ``move`` names the workflow move the change belongs to, ``comment`` says what it was.
    """
    record = audit_record_build(
        actor=actor,
        obj=obj,
        action=action,
        before=before,
        after=after,
        filed_under=filed_under,
        move=move,
        comment=comment,
    )
    if record is not None:
        record.save()
    return record


def audit_record_build(
    *,
    actor: User,
    obj: models.Model,
    action: str,
    before: dict[str, str] | None,
    after: dict[str, str],
    filed_under: models.Model | None = None,
    move: str = "",
    comment: str = "",
) -> AuditRecord | None:
    """The row ``audit_record`` writes, unsaved; None if no field moved. ``obj`` must have its
    primary key."""
    changes = audit_changes(obj=obj, before=before, after=after)
    if changes is None:
        return None
    owner = obj if filed_under is None else filed_under
    return AuditRecord(
        content_type=ContentType.objects.get_for_model(owner),
        object_id=owner.pk,
        action=action,
        actor=actor,
        changes=changes,
        move=move,
        comment=comment,
    )


def audit_changes(
    *, obj: models.Model, before: dict[str, str] | None, after: dict[str, str]
) -> dict[str, Any] | None:
    """What the history row of a create (``before`` None: every field given) or of a change
    (the fields that moved, from what to what) holds as its ``changes``; None for a change
    that moved nothing (no row is written)."""
    changes: dict[str, Any] = {}
    for name, new in after.items():
        old = "" if before is None else before.get(name, "")
        if before is not None and old == new:
            continue
        if before is None and new == "":
            continue
        changes[name] = {
            "label": _stored_label(obj._meta.get_field(name), name),
            "old": old,
            "new": new,
        }
    if before is not None and not changes:
        return None
    return changes


def audit_records_insert(
    *,
    model: type[models.Model],
    actor: User | None,
    records: Sequence[tuple[Any, str, dict[str, Any]]],
) -> None:
    """Write the history rows of many records of one model (a bulk write), each given as (its
    primary key, action, ``audit_changes``), in one INSERT and in that order, at one time:
    the rows ``audit_record`` would write one by one. Neither ``bulk_create`` (it escapes
    every quote of every row's ``changes`` in Python) nor an AuditRecord a row: for thousands
    of rows each costs more than the database's write (core.bulk)."""
    rows_insert(
        AuditRecord,
        [
            {"object_id": pk, "action": action, "changes": changes}
            for pk, action, changes in records
        ],
        same={
            "content_type_id": ContentType.objects.get_for_model(model).pk,
            "actor_id": None if actor is None else actor.pk,
            "at": timezone.now(),
            "move": "",
            "comment": "",
        },
    )


def history_record(
    *,
    obj: models.Model,
    actor: User | None,
    move: str,
    field: str,
    old: str,
    new: str,
    comment: str = "",
    labels: dict[str, str] | None = None,
    extra_changes: dict[str, dict[str, Any]] | None = None,
) -> AuditRecord:
    """The history row of one workflow move (core.workflow), in the move's transaction.

    ``old`` and ``new`` are the raw values (a state, a username); the row keeps them with
    their labels as people read them (the field's choices, or ``labels`` given: a person's
    name), so the history reads the same after a label changes. ``extra_changes`` are kept
    in the same row beside the move (e.g. what a moderator confirmed in publishing).
    """
    model_field = obj._meta.get_field(field)
    if not labels:
        with override(settings.LANGUAGE_CODE):
            labels = {
                value: str(label) for value, label in getattr(model_field, "choices", None) or []
            }
    return AuditRecord.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=AuditRecord.Action.MOVED,
        actor=actor,
        move=move,
        comment=comment,
        changes={
            field: {
                "label": _stored_label(model_field, field),
                "old": str(labels.get(old, old)) if old else "",
                "new": str(labels.get(new, new)) if new else "",
                "old_value": old,
                "new_value": new,
            },
            **(extra_changes or {}),
        },
    )


def history_record_transition(
    *,
    obj: models.Model,
    actor: User | None,
    transition: Transition,
    comment: str = "",
    extra_changes: dict[str, dict[str, Any]] | None = None,
) -> AuditRecord:
    """The history row of a move made through ``Workflow.apply``: its state field, from the
    state it left to the one it entered (:func:`history_record`)."""
    return history_record(
        obj=obj,
        actor=actor,
        move=transition.name,
        field=transition.field,
        old=transition.source,
        new=transition.target,
        comment=comment,
        extra_changes=extra_changes,
    )


def history_record_many(
    *, objs: Iterable[models.Model], actor: User | None, move: str, field: str, old: str, new: str
) -> int:
    """The history rows of one move made on many records at once (a daily system move)."""
    rows = list(objs)
    if not rows:
        return 0
    model = type(rows[0])
    model_field = model._meta.get_field(field)
    with override(settings.LANGUAGE_CODE):
        labels = {value: str(label) for value, label in getattr(model_field, "choices", None) or []}
    content_type = ContentType.objects.get_for_model(model)
    change = {
        field: {
            "label": _stored_label(model_field, field),
            "old": str(labels.get(old, old)),
            "new": str(labels.get(new, new)),
            "old_value": old,
            "new_value": new,
        }
    }
    AuditRecord.objects.bulk_create(
        [
            AuditRecord(
                content_type=content_type,
                object_id=row.pk,
                action=AuditRecord.Action.MOVED,
                actor=actor,
                move=move,
                changes=change,
            )
            for row in rows
        ]
    )
    return len(rows)


# --- Showing the history ---------------------------------------------------------------------

# Changes stored under a name that is no field of the model.
EXTRA_LABELS = {"evidence": gettext_lazy("新增证据材料")}


def changes_shown(records: Iterable[AuditRecord]) -> None:
    """Give each record ``shown``: its changes as the reader reads them, in the active language.

    A row stores the field's name, the value's code where it has one (a workflow move's
    states) and the value as read in the site's language when written. The label is the
    field's verbose name now; a choice shows its label and a yes/no its word, found from the
    code or from the stored text; a district, industry or department its name in the reader's
    language (one query per such model for all the records). Anything else (names, dates,
    amounts, free text) is shown as stored.
    """
    rows = list(records)
    pending: dict[type[models.Model], set[str]] = {}
    for record in rows:
        model = ContentType.objects.get_for_id(record.content_type_id).model_class()
        for name, change in record.changes.items():
            related = _bilingual_target(_model_field(model, name))
            if related is not None:
                pending.setdefault(related, set()).update(
                    text for text in (change.get("old"), change.get("new")) if text
                )
    names: dict[type[models.Model], dict[str, str]] = {}
    for related, texts in pending.items():
        rows_named: Iterable[Any] = related._default_manager.filter(name__in=texts)
        names[related] = {row.name: row.display_name for row in rows_named}
    for record in rows:
        model = ContentType.objects.get_for_id(record.content_type_id).model_class()
        shown = []
        for name, change in sorted(record.changes.items()):
            model_field = _model_field(model, name)
            if model_field is not None:
                label = str(model_field.verbose_name)
            else:
                label = str(EXTRA_LABELS.get(name, change.get("label", name)))
            shown.append(
                {
                    "label": label,
                    "old": _value_shown(model_field, change, "old", names),
                    "new": _value_shown(model_field, change, "new", names),
                }
            )
        record.shown = shown  # type: ignore[attr-defined]


def _model_field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a change stored under its own name
        return None
    # A reverse relation ("evidence" of a finding) has no label of its own: the change
    # carries it.
    return None if model_field.auto_created and not model_field.concrete else model_field


def _bilingual_target(model_field: Any) -> type[models.Model] | None:
    if isinstance(model_field, models.ForeignKey) and hasattr(
        model_field.related_model, "display_name"
    ):
        return model_field.related_model  # type: ignore[return-value]
    return None


def _value_shown(
    model_field: Any,
    change: dict[str, Any],
    side: str,
    names: dict[type[models.Model], dict[str, str]],
) -> str:
    text = str(change.get(side) or "")
    if model_field is None or not text:
        return text
    if getattr(model_field, "choices", None):
        labels = dict(model_field.flatchoices)
        code = change.get(f"{side}_value")
        if code is None:
            with override(settings.LANGUAGE_CODE):
                code = {str(label): value for value, label in labels.items()}.get(text)
        return str(labels[code]) if code in labels else text
    if isinstance(model_field, models.BooleanField):
        with override(settings.LANGUAGE_CODE):
            yes, no = _("是"), _("否")
        return {yes: _("是"), no: _("否")}.get(text, text)
    related = _bilingual_target(model_field)
    if related is not None:
        return names.get(related, {}).get(text, text)
    return text
