"""Writing thousands of rows in one statement, the rows sent as one JSON document.

``bulk_create`` on PostgreSQL sends each column as an array that psycopg builds element by
element in Python (escaping every quote of a JSON value with a regular expression), and
``bulk_update`` builds a CASE per column per row: for a chunk of a bulk import both cost more
in Python than the database's write. One JSON document is encoded by ``json`` in C and read
by ``jsonb_to_recordset``. As with ``bulk_create``, no model's ``save`` or signal runs.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, models


def rows_insert(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    same: Mapping[str, Any] | None = None,
    returning: str | None = None,
) -> list[Any]:
    """Insert ``rows`` (each a field's attname → value, the same fields in every row) into
    ``model``'s table in their order, with ``same`` (attname → value) in every row. Returns
    the ``returning`` field of each row in the same order (as ``bulk_create`` relies on for
    the ids), or nothing."""
    if not rows:
        return []
    same = same or {}
    columns = _columns(model, list(rows[0]))
    names = ", ".join(column for column, _kind in columns)
    constants = _columns(model, list(same))
    targets = ", ".join([names, *(column for column, _kind in constants)])
    values = ", ".join([names, *(f"%s::{kind}" for _column, kind in constants)])
    sql = (
        f"INSERT INTO {_quoted(model._meta.db_table)} ({targets}) SELECT {values} "  # noqa: S608 - names from the model
        f"FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({_typed(columns)})) "
        f"WITH ORDINALITY AS v({names}, row_order) ORDER BY row_order"
    )
    if returning:
        sql += f" RETURNING {_columns(model, [returning])[0][0]}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*same.values(), _document(model, rows)])
        return [value for (value,) in cursor.fetchall()] if returning else []


def rows_update(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    same: Mapping[str, Any] | None = None,
) -> None:
    """Update the rows of ``model`` whose primary key each of ``rows`` gives (each a field's
    attname → value, the same fields in every row), setting ``same`` (attname → value) on
    every one of them."""
    if not rows:
        return
    same = same or {}
    assert model._meta.pk is not None  # noqa: S101 - every concrete model has one
    key = _columns(model, [model._meta.pk.attname])[0][0]
    columns = _columns(model, list(rows[0]))
    assignments = ", ".join(
        [
            *(f"{column} = v.{column}" for column, _kind in columns if column != key),
            *(f"{column} = %s::{kind}" for column, kind in _columns(model, list(same))),
        ]
    )
    sql = (
        f"UPDATE {_quoted(model._meta.db_table)} AS t SET {assignments} "  # noqa: S608 - names from the model
        f"FROM jsonb_to_recordset(%s::jsonb) AS v({_typed(columns)}) WHERE t.{key} = v.{key}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*same.values(), _document(model, rows)])


def _quoted(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _columns(model: type[models.Model], names: list[str]) -> list[tuple[str, str]]:
    """Each field's quoted column and its type without a length ("varchar", as bulk_create
    casts its arrays: the table's own type still refuses what does not fit)."""
    columns = []
    for name in names:
        model_field: Any = model._meta.get_field(name)
        target = model_field.target_field if model_field.is_relation else model_field
        columns.append((_quoted(model_field.column), str(target.db_type(connection)).split("(")[0]))
    return columns


def _typed(columns: list[tuple[str, str]]) -> str:
    return ", ".join(f"{column} {kind}" for column, kind in columns)


def _document(model: type[models.Model], rows: Sequence[Mapping[str, Any]]) -> str:
    # jsonb_to_recordset matches the keys to the columns: an attname that is not its column's
    # name (a db_column) is renamed.
    renamed = {
        name: column
        for name in rows[0]
        if (column := getattr(model._meta.get_field(name), "column", name)) != name
    }
    if renamed:
        rows = [{renamed.get(name, name): value for name, value in row.items()} for row in rows]
    return json.dumps(rows, ensure_ascii=False, default=_json_value)


def _json_value(value: Any) -> str:
    # Full precision (DjangoJSONEncoder would drop a time's microseconds).
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not written by rows_insert")
