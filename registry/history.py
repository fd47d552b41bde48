"""The history rows every app writes (``registry.AuditRecord``): a record created or changed,
with the fields that moved from what to what, and a workflow move (core.workflow) with its
reason. Written by the services in the same transaction as the change, never by a signal.

Registry is the lowest domain app, so rectification and publicity write theirs here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

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


def person_label(user: User | None) -> str:
    """A staff member as the history names them (family name first), or nothing."""
    return "" if user is None else _item_label(user)


def _item_label(item: models.Model) -> str:
    if isinstance(item, User):
        # Staff are named family name first, as on the inspection record.
        return f"{item.last_name}{item.first_name}".strip() or item.get_username()
    return str(item)


def _snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, str]:
    return {name: _display(obj, name) for name in names}


def audit_snapshot(obj: models.Model, names: Iterable[str]) -> dict[str, str]:
    """The audited fields of a row as people read them (for writers outside this module:
    the admin)."""
    return _snapshot(obj, names)


def audit_record(
    *,
    actor: User,
    obj: models.Model,
    action: str,
    before: dict[str, str] | None,
    after: dict[str, str],
) -> AuditRecord | None:
    """Record a create (``before`` None) or the fields a change moved; nothing if none moved."""
    changes: dict[str, Any] = {}
    for name, new in after.items():
        old = "" if before is None else before.get(name, "")
        if before is not None and old == new:
            continue
        if before is None and new == "":
            continue
        changes[name] = {
            "label": str(getattr(obj._meta.get_field(name), "verbose_name", name)),
            "old": old,
            "new": new,
        }
    if before is not None and not changes:
        return None
    return AuditRecord.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=action,
        actor=actor,
        changes=changes,
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
) -> AuditRecord:
    """The history row of one workflow move (core.workflow), in the move's transaction.

    ``old`` and ``new`` are the raw values (a state, a username); the row keeps them with
    their labels as people read them (the field's choices, or ``labels`` given: a person's
    name), so the history reads the same after a label changes.
    """
    model_field = obj._meta.get_field(field)
    labels = labels or dict(getattr(model_field, "choices", None) or [])
    return AuditRecord.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        action=AuditRecord.Action.MOVED,
        actor=actor,
        move=move,
        comment=comment,
        changes={
            field: {
                "label": str(getattr(model_field, "verbose_name", field)),
                "old": str(labels.get(old, old)) if old else "",
                "new": str(labels.get(new, new)) if new else "",
                "old_value": old,
                "new_value": new,
            }
        },
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
    labels = dict(getattr(model_field, "choices", None) or [])
    content_type = ContentType.objects.get_for_model(model)
    change = {
        field: {
            "label": str(getattr(model_field, "verbose_name", field)),
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
