"""A payload value read as a number, in the form each database needs.

SQLAlchemy's ``as_float()`` alone is not enough: PostgreSQL raises an error when casting a
non-numeric string, and SQLite silently turns one into 0 (or compares text with numbers).
So each database gets a guarded form, chosen when the statement is compiled: JSON numbers
(and, on PostgreSQL, strings that hold a number) are cast, anything else is NULL.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Numeric, and_, bindparam, case, cast, func, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from asyncevents_svc.db.models import Event
from asyncevents_svc.deliveries.search.syntax import Path
from asyncevents_svc.deliveries.search.values import NUMBER

#: :data:`~.values.NUMBER` for PostgreSQL's ``~`` (a string in the payload only counts as a
#: number if it matches, so the cast to NUMERIC can never fail).
_PG_NUMBER = "^" + NUMBER.pattern.replace(r"\d", "[0-9]") + "$"


class JsonNumber(ColumnElement[Decimal]):
    """The payload value at ``path`` as a number, or NULL when it is not one."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own convention)
        ("postgresql", InternalTraversal.dp_clauseelement),
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("default", InternalTraversal.dp_clauseelement),
    ]
    type = Numeric()

    def __init__(self, path: Path) -> None:
        node: Any = Event.payload[path]
        text: ColumnElement[str] = node.as_string()
        kind = func.jsonb_typeof(node)
        self.postgresql: ColumnElement[Decimal] = case(
            (
                or_(kind == "number", and_(kind == "string", text.regexp_match(_PG_NUMBER))),
                cast(text, Numeric()),
            ),
        )
        sqlite_kind = func.json_type(Event.payload, bindparam(None, path, type_=JSON.JSONPathType()))
        self.sqlite: ColumnElement[Decimal] = case(
            (sqlite_kind.in_(["integer", "real"]), cast(node.as_float(), Numeric()))
        )
        self.default: ColumnElement[Decimal] = cast(node.as_float(), Numeric())


@compiles(JsonNumber, "postgresql")
def _json_number_postgresql(element: JsonNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.postgresql, **kw)


@compiles(JsonNumber, "sqlite")
def _json_number_sqlite(element: JsonNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.sqlite, **kw)


@compiles(JsonNumber)
def _json_number_default(element: JsonNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.default, **kw)
