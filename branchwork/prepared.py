"""Queries whose SQL never changes but for their values, built and compiled once per database.

The ORM's cost of building a queryset and compiling it to SQL does not depend on the data: the
row of a branch with its JSON subqueries takes ≈ 5 ms CPU to build and compile and 0.2 ms to run,
and a cold report page ran four such reads. A ``PreparedQuery`` builds its queryset once per
database with stand-in values, finds where each stand-in landed among the compiled
parameters, and on every later call only puts the call's values there, runs the SQL and converts
the rows as the ORM would (the compiler's own converters: JSON, and SQLite's dates and booleans).

What ``build`` may do with its arguments: pass them to the ORM as they are (a filter's value, a
range's ends, an ``__in`` list). It may not compute with them (``datetime.date(year, 1, 1)``) nor
branch on them: the stand-ins would not reach the SQL as themselves. Compiling checks that every
stand-in arrived and that no value derived from one did; a test of each query checks that the
prepared SQL and parameters are the ORM's own for real values (``sql_and_params``).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet

# Stand-ins no constant of a query takes: whole numbers that still fit every integer field (an
# out-of-range value makes the ORM drop the condition), dates a thousand years before any record.
_INT_BASE = 30_000
_INT_SPAN = 1_000
_DATE_BASE = datetime.date(1000, 1, 1)
_STR_MARK = "\u2063stand-in\u2063"  # between invisible separators: no text a query compares with


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: tuple[tuple[str, int | None] | None, ...]  # per parameter: (argument, index in it), or a constant
    constants: tuple
    names: tuple[str, ...]
    # The query and its selected expressions, for the converters of the connection that runs it
    # (no connection is kept: a thread's connection goes with the thread).
    query: object
    fields: tuple


def _stand_ins(values: dict) -> tuple[dict, dict]:
    """Stand-in arguments for ``values`` (ints, dates, strings and tuples of ints), and what each
    stand-in value stands for: (argument, index in a tuple or None)."""
    counter = itertools.count(1)
    stand_ins, meaning = {}, {}
    for name, value in values.items():
        if isinstance(value, bool):
            raise TypeError(f"{name}: a bool changes a query's shape, it cannot be a prepared value")
        if isinstance(value, int):
            stand_ins[name] = _INT_BASE + next(counter)
            meaning[stand_ins[name]] = (name, None)
        elif isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            stand_ins[name] = _DATE_BASE + datetime.timedelta(days=next(counter))
            meaning[stand_ins[name]] = (name, None)
        elif isinstance(value, str):
            stand_ins[name] = f"{_STR_MARK}{next(counter)}{_STR_MARK}"
            meaning[stand_ins[name]] = (name, None)
        elif isinstance(value, tuple) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            stand_ins[name] = tuple(_INT_BASE + next(counter) for _ in value)
            for index, stand_in in enumerate(stand_ins[name]):
                meaning[stand_in] = (name, index)
        else:
            raise TypeError(f"{name}: a prepared value is an int, a date, a str or a non-empty tuple of ints, not {value!r}")
    return stand_ins, meaning


def _shape(values: dict) -> tuple:
    """What makes the SQL differ between calls: the arguments' names, and a tuple's length."""
    return tuple((name, len(value) if isinstance(value, tuple) else type(value).__name__) for name, value in values.items())


class PreparedQuery:
    """``build(**values)`` → a ``values()`` or ``values_list()`` queryset, compiled once per
    database and shape of the values; ``rows(**values)`` runs it (one query)."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._compiled: dict[tuple, _Compiled] = {}  # by database alias and shape of the values

    def _compile(self, connection, values: dict) -> _Compiled:
        stand_ins, meaning = _stand_ins(values)
        queryset = self.build(**stand_ins)
        query = queryset.query
        compiler = query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        # A date may reach the database as text (SQLite): its stand-in is then found by its text.
        adapted = {connection.ops.adapt_datefield_value(v): m for v, m in meaning.items() if isinstance(v, datetime.date)}
        slots, constants, seen = [], [], set()
        for param in params:
            found = (adapted.get(param) or meaning.get(param)) if isinstance(param, str) else _lookup(meaning, param)
            slots.append(found)
            constants.append(None if found else param)
            if found:
                seen.add(found)
            elif _derived(param):
                raise ValueError(f"{self.build.__qualname__} computed {param!r} from a stand-in: pass it as an argument")
        missing = set(meaning.values()) - seen
        if missing:
            raise ValueError(f"{self.build.__qualname__} did not use {sorted(missing)} as given")
        if compiler.col_count != len(compiler.select):
            raise ValueError(f"{self.build.__qualname__}: the query selects columns it does not return")
        # The names ``values()`` gives the columns (``ValuesIterable``).
        names = tuple(query.selected) if query.selected else (
            *query.extra_select, *query.values_select, *query.annotation_select
        )
        fields = tuple(column[0] for column in compiler.select[: compiler.col_count])
        return _Compiled(sql, tuple(slots), tuple(constants), names, query, fields)

    def _compiled_for(self, using: str, values: dict) -> _Compiled:
        key = (using, _shape(values))
        compiled = self._compiled.get(key)
        if compiled is None:
            # Two threads may both compile it the first time: the same result, stored twice.
            compiled = self._compiled[key] = self._compile(connections[using], values)
        return compiled

    def sql_and_params(self, using: str = "default", **values) -> tuple[str, tuple]:
        """The SQL and parameters a call with ``values`` runs (what the ORM compiles them to)."""
        connection = connections[using]
        compiled = self._compiled_for(using, values)
        params = []
        for slot, constant in zip(compiled.slots, compiled.constants, strict=True):
            if slot is None:
                params.append(constant)
                continue
            name, index = slot
            value = values[name] if index is None else values[name][index]
            if isinstance(value, datetime.date):
                value = connection.ops.adapt_datefield_value(value)
            params.append(value)
        return compiled.sql, tuple(params)

    def rows(self, using: str = "default", **values) -> list[tuple]:
        """The rows, each a tuple in the order the queryset selects."""
        connection = connections[using]
        sql, params = self.sql_and_params(using, **values)
        compiled = self._compiled_for(using, values)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # The converters ``values()`` applies (JSON; SQLite's dates, times and booleans).
        compiler = compiled.query.get_compiler(connection=connection)
        converters = compiler.get_converters(compiled.fields)
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def dicts(self, using: str = "default", **values) -> list[dict]:
        """The rows as ``values()`` returns them: a dict by field name."""
        names = self._compiled_for(using, values).names
        return [dict(zip(names, row, strict=True)) for row in self.rows(using, **values)]


def _lookup(meaning: dict, param):
    try:
        return meaning.get(param)
    except TypeError:  # an unhashable parameter (a list, on PostgreSQL) is no stand-in
        return None


def _derived(param) -> bool:
    """A parameter in the stand-ins' range that is none of them: computed from one."""
    if isinstance(param, bool):
        return False
    if isinstance(param, int):
        return _INT_BASE < param <= _INT_BASE + _INT_SPAN
    if isinstance(param, datetime.date):
        return param.year < 1100
    if isinstance(param, str):
        return _STR_MARK in param or (param[:2] == "10" and len(param) == 10 and param[4] == "-")
    return False
