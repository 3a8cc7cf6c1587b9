"""Queries on the API's hot paths whose SQL is built once per database, not once per request.

peewee turns a query into SQL by walking its expression tree on every execution. On the
busiest endpoints that walk cost more than SQLite running the statement: a drink post spent
about 60 % of its time building the text of seven small statements (cProfile, see
``benchmarks/load.py``). A :class:`PreparedQuery` builds its query once for the open database,
with :func:`slot` markers where per-call values go; each call then only binds the values and
runs the same text, and rows come back as the query itself would return them (models with
their joined models, dicts or tuples).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import peewee

from kegdash import db


class _Slot:
    """Where a value given at call time goes in the compiled parameters."""

    __slots__ = ("name", "convert")

    def __init__(self, name: str, convert: Callable[[Any], Any] | None) -> None:
        self.name = name
        self.convert = convert

    def bind(self, values: dict[str, Any]) -> Any:
        value = values[self.name]
        return self.convert(value) if self.convert is not None and value is not None else value


def slot(name: str, field: peewee.Field | None = None) -> peewee.Value:
    """A placeholder for the call-time value ``name``, converted for the database like
    ``field`` would convert it (peewee converts nothing in a placeholder by itself)."""
    return peewee.Value(_Slot(name, field.db_value if field is not None else None),
                        converter=False)


class _Compiled:
    """A query compiled for one database: its SQL and parameters and, for model rows as tuples,
    each column's conversion once it has been worked out from a first result."""

    __slots__ = ("generation", "query", "sql", "params", "converters")

    def __init__(self, query: peewee.BaseQuery) -> None:
        self.generation = db.generation
        self.query = query
        sql, params = query.sql()
        self.sql, self.params = sql, tuple(params)
        self.converters: list[tuple[int, Callable[[Any], Any]]] | None = None


# peewee's conversions that change nothing for a value as the drivers return it: SQLite's
# INTEGER, REAL and TEXT column affinities and psycopg's integer, double precision and text
# types already give int, float and str, and these adapt functions only call int(), float()
# or str() on them. A foreign key converts as the column it refers to.
_PLAIN_ADAPTERS = (peewee.IntegerField.adapt, peewee.FloatField.adapt, peewee.CharField.adapt)


def _plain(field: peewee.Field) -> bool:
    kind = type(field)
    if isinstance(field, peewee.ForeignKeyField) and kind.python_value is peewee.ForeignKeyField.python_value:
        return _plain(field.rel_field)
    return kind.python_value is peewee.Field.python_value and kind.adapt in _PLAIN_ADAPTERS


def _changes_values(converter: Callable[[Any], Any]) -> bool:
    """False where ``converter`` would hand back each value as it came."""
    field = getattr(converter, "__self__", None)
    return not (isinstance(field, peewee.Field) and _plain(field)
                and converter.__func__ is type(field).python_value)


def _tuples(cursor: Any, converters: list[tuple[int, Callable[[Any], Any]]]) -> Iterator[tuple]:
    """The cursor's rows converted as peewee's ``ModelTupleCursorWrapper`` converts them;
    ``converters`` are (column index, conversion) for the columns that need one."""
    try:
        if not converters:
            yield from cursor
            return
        for row in cursor:
            values = list(row)
            for i, convert in converters:
                values[i] = convert(values[i])
            yield tuple(values)
    finally:
        cursor.close()


class PreparedQuery:
    """A query built by ``build()`` on first use per database and reused from then on.

    Thread-safe without a lock: two threads compiling at once both produce the same text and
    the last one's result is kept. A database opened later (another file, a test's fresh
    database) compiles again, because quoting and placeholders differ between databases: the
    cache is keyed on ``db.generation``, as the site settings cache is.

    Rows as tuples of a model query (``.tuples()``, the form of every write on the pour path)
    are converted with the column conversions found on the first run: peewee works them out
    again from the cursor's description on every execution, which cost a sixth of a pour. Of
    those, the ones that would return each value unchanged are dropped (two calls per column
    and row: a fifth of a tap list's time).
    """

    def __init__(self, build: Callable[[], peewee.BaseQuery]) -> None:
        self._build = build
        self._compiled: _Compiled | None = None

    def _compile(self) -> _Compiled:
        compiled = self._compiled
        if compiled is None or compiled.generation != db.generation:
            compiled = self._compiled = _Compiled(self._build())
        return compiled

    def _cursor(self, compiled: _Compiled, values: dict[str, Any]) -> Any:
        bound = [p.bind(values) if isinstance(p, _Slot) else p for p in compiled.params]
        return db.database.execute_sql(compiled.sql, bound)

    def all(self, **values: Any) -> Iterator[Any]:
        """Run a query and iterate its rows, in the form the built query returns them."""
        compiled = self._compile()
        cursor = self._cursor(compiled, values)
        if compiled.converters is not None:  # a query of tuples, run before
            return _tuples(cursor, compiled.converters)
        # peewee's own step from cursor to rows (private: peewee is pinned to its minor version
        # in pyproject.toml); its public ``execute()`` would rebuild the SQL.
        rows = compiled.query._get_cursor_wrapper(cursor)
        if type(rows) is not peewee.ModelTupleCursorWrapper:
            return iter(rows)
        rows.initialize()
        compiled.converters = [(i, convert) for i, convert in enumerate(rows.converters)
                               if convert is not None and _changes_values(convert)]
        return _tuples(cursor, compiled.converters)

    def one(self, **values: Any) -> Any:
        """Run a query (or an INSERT/UPDATE … RETURNING) and return its first row, or None.
        Reads every row, so the statement is finished (a pending ``RETURNING`` statement would
        otherwise hold its write open); meant for statements of at most a few rows."""
        return next(iter(list(self.all(**values))), None)

    def execute(self, **values: Any) -> int:
        """Run a write without RETURNING; the number of rows it changed."""
        return self._cursor(self._compile(), values).rowcount
