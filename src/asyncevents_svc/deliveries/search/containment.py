"""An index hint for ``data.<path>:<text>`` on PostgreSQL: JSONB containment.

``payload #>> path = 'CK000123'`` reads every candidate row's payload; PostgreSQL cannot
answer it from an index on ``payload``. ``payload @> '{"increment_id": "CK000123"}'`` can,
from the GIN ``jsonb_path_ops`` index on ``events.payload`` (migration 0013). So for an
equality on a payload path the compiler adds the containment as a second, implied
condition: every row the equality matches also contains the document, so ``AND`` with it
changes no result, and PostgreSQL finds the few candidate events through the index before
it reads a payload.

The document must be implied by the equality, or a row would be lost:

- only for a text value that no JSON scalar prints as (``#>>`` prints ``5``, ``true`` and
  ``null`` as text too): values that parse as a number, ``true``, ``false`` or ``null``, or
  look like an object or array, get no hint;
- a path segment that is an integer (``items.0.sku``) is an array index or an object key
  ``"0"``; the hint is the ``OR`` of both readings (an array containment ``[{"sku": …}]``
  matches any element, so it is implied by the element 0 matching), for at most
  :data:`MAX_INDEX_SEGMENTS` such segments — past that, no hint.

SQLite has no such index: the hint compiles to nothing there (``1 = 1``).
"""

from __future__ import annotations

import itertools
from typing import Any

import orjson
from sqlalchemy import cast, literal, or_, true
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from asyncevents_svc.db.models import Event
from asyncevents_svc.deliveries.search.syntax import Path

MAX_INDEX_SEGMENTS = 2


def _prints_as_scalar(text: str) -> bool:
    """True when some JSON value other than the string ``text`` has ``text`` as its ``#>>``."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return False
    return not isinstance(value, str)


def documents(path: Path, text: str) -> list[Any] | None:
    """The documents of which the payload must contain one when ``payload #>> path = text``,
    or ``None`` when no such set is known (see the module doc)."""
    if not path or _prints_as_scalar(text) or text[:1] in "[{":
        return None
    indexes = [i for i, segment in enumerate(path) if isinstance(segment, int)]
    if len(indexes) > MAX_INDEX_SEGMENTS:
        return None
    found: list[Any] = []
    for as_array in itertools.product((True, False), repeat=len(indexes)):
        reading = dict(zip(indexes, as_array, strict=True))
        document: Any = text
        for position in reversed(range(len(path))):
            segment = path[position]
            document = [document] if reading.get(position) else {str(segment): document}
        found.append(document)
    return found


class PayloadContains(ColumnElement[bool]):
    """``events.payload @> doc`` for any of the documents on PostgreSQL; true elsewhere."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own convention)
        ("postgresql", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, found: list[Any]) -> None:
        self.postgresql: ColumnElement[bool] = or_(
            *(Event.payload.op("@>")(cast(literal(orjson.dumps(doc).decode()), JSONB)) for doc in found)
        )


def hint(path: Path, text: str) -> ColumnElement[bool] | None:
    found = documents(path, text)
    return None if found is None else PayloadContains(found)


@compiles(PayloadContains, "postgresql")
def _contains_postgresql(element: PayloadContains, compiler: SQLCompiler, **kw: Any) -> str:
    # Parenthesised: the enclosing AND does not know this element is an OR.
    return f"({compiler.process(element.postgresql, **kw)})"


@compiles(PayloadContains)
def _contains_default(element: PayloadContains, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(true(), **kw)
