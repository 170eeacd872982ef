"""Rows that hang off a parent, read inside the parent's query as one JSON array.

A page that reads a branch and five small lists hanging off it (its party groups, the rules in
force, its standing work …) pays a round trip and the ORM's per-query cost for each list. Read as
correlated subqueries of the branch's own row, they arrive in one query. PostgreSQL gathers the
rows with ``JSONB_AGG``, SQLite with ``JSON_GROUP_ARRAY``; each row is a ``JSONObject`` of the
fields asked for, so what comes back is a list of dicts with plain JSON values (dates as ISO
strings, booleans as ``true``/``false`` on PostgreSQL and ``1``/``0`` on SQLite: ``as_date`` and
``bool`` turn them back).
"""

from __future__ import annotations

import datetime

from django.db.models import Aggregate, JSONField, QuerySet, Subquery, Value
from django.db.models.functions import JSONObject


class JSONArrayAgg(Aggregate):
    """The group's values as one JSON array."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def json_rows(queryset: QuerySet, **fields) -> Subquery:
    """The rows of ``queryset`` (usually filtered on an ``OuterRef``) as one JSON array of objects
    with ``fields`` (name → field path or expression), for an annotation of the parent's query.
    ``None`` when there are none (PostgreSQL) — read it with ``rows_of``. Unordered: sort in Python."""
    # Grouped by a constant, which Django leaves out of GROUP BY: one aggregate over all the rows.
    return Subquery(
        queryset.order_by()
        .annotate(_all=Value(1))
        .values("_all")
        .annotate(rows=JSONArrayAgg(JSONObject(**fields)))
        .values("rows"),
        output_field=JSONField(),
    )


def rows_of(value) -> list[dict]:
    """What a ``json_rows`` annotation read: a list of dicts, empty when there were no rows."""
    return list(value or ())


def as_date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value[:10]) if value else None
