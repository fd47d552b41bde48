"""SQL the ORM does not write by itself, for plans the planner can only make from it.

- :class:`AnyOf`: ``column = ANY(ARRAY(subquery))``. The subquery is run once (an InitPlan)
  and the condition is an index's (a bitmap scan of the column's index, ORed or ANDed with
  other indexes' bitmaps); ``column IN (subquery)`` is a hashed filter applied to rows read
  some other way, or a join.
- :class:`Unindexed`: a column as an expression no index serves (its value unchanged).
  Sorting by it makes the planner read the rows the WHERE clause finds and sort them,
  instead of walking the column's index in order and dropping every row the WHERE clause
  refuses: a walk that
  reads nearly the whole table when the rows wanted sort late (a city's units among the
  province's, their names beginning with the city's districts) or are few and spread (a
  district's inspections of units whose names hold a word, walked by date).
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, F, Func, QuerySet, Subquery


class AnyOf(Func):
    """``column = ANY(ARRAY(values))``: whether the column's value is one of the subquery's
    (one column) rows, as a condition for ``filter()`` or a ``Q``."""

    output_field = BooleanField()

    def __init__(self, column: str, values: QuerySet[Any]) -> None:
        super().__init__(F(column), Subquery(values))

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, list[Any]]:
        column, values = self.get_source_expressions()
        column_sql, column_params = compiler.compile(column)
        values_sql, values_params = compiler.compile(values)  # "(SELECT ...)"
        return f"{column_sql} = ANY(ARRAY{values_sql})", [*column_params, *values_params]


class Unindexed(Func):
    """A column, its value unchanged, that no index serves (``COALESCE(column, column)``)."""

    template = "COALESCE(%(expressions)s, %(expressions)s)"
