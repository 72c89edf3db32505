"""Tree (:mod:`.syntax`) to a SQLAlchemy condition over :class:`Delivery` joined with :class:`Event`.

Every tree the parser builds compiles: values were checked while parsing, so nothing here
raises. Every value ends up in a bound parameter (payload paths too). The condition is the
same for both databases; where they differ (reading a payload value as a number) a
:class:`~.jsonnumber.JsonNumber` picks its form when the statement is compiled, so one
condition (and SQLAlchemy's statement cache) serves PostgreSQL's JSONB and SQLite's JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, not_, or_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from asyncevents_svc.db.models import Delivery, Event
from asyncevents_svc.deliveries.search import containment
from asyncevents_svc.deliveries.search.jsonnumber import JsonNumber
from asyncevents_svc.deliveries.search.syntax import (
    LIKE_ESCAPE,
    And,
    AnyId,
    Between,
    Bounds,
    Compare,
    DataEquals,
    DataExists,
    DataLike,
    DataOrdered,
    Equals,
    Exists,
    Like,
    Node,
    Not,
    OneOf,
    Op,
    Or,
    Ordered,
    Path,
)


@dataclass(frozen=True)
class _Column:
    column: Callable[[], InstrumentedAttribute[Any]]
    nullable: bool = False


# Columns are looked up lazily so that importing this module never touches the mapper.
COLUMNS: dict[str, _Column] = {
    "event_name": _Column(lambda: Event.name),
    "uuid": _Column(lambda: Delivery.id),
    "event_id": _Column(lambda: Delivery.event_id),
    "status": _Column(lambda: Delivery.status),
    "subscription_id": _Column(lambda: Delivery.subscription_id),
    "store_id": _Column(lambda: Event.store_id),
    "status_code": _Column(lambda: Delivery.last_status_code, nullable=True),
    "notifier": _Column(lambda: Delivery.notifier),
    "created_at": _Column(lambda: Delivery.created_at),
    "last_attempt_at": _Column(lambda: Delivery.last_attempt_at, nullable=True),
    "first_attempt_at": _Column(lambda: Delivery.first_attempt_at, nullable=True),
    "next_attempt_at": _Column(lambda: Delivery.next_attempt_at, nullable=True),
    "expires_at": _Column(lambda: Delivery.expires_at, nullable=True),
    "received_at": _Column(lambda: Event.received_at),
}


def compile_tree(node: Node) -> ColumnElement[bool]:
    """The condition ``node`` stands for."""
    match node:
        case And(parts):
            return and_(*map(compile_tree, parts))
        case Or(parts):
            return or_(*map(compile_tree, parts))
        case Not(part):
            return not_(compile_tree(part))
        case Exists(field):
            return COLUMNS[field].column().is_not(None)
        case Equals(field, value):
            return COLUMNS[field].column() == value
        case OneOf(field, values):
            return COLUMNS[field].column().in_(values)
        case Like(field, pattern):
            return COLUMNS[field].column().like(pattern, escape=LIKE_ESCAPE)
        case Ordered(field, order):
            column = COLUMNS[field]
            attribute = column.column()
            condition = _ordered(attribute, order)
            return and_(attribute.is_not(None), condition) if column.nullable else condition
        case AnyId(value):
            return or_(Delivery.id == value, Delivery.event_id == value)
        case DataExists(path):
            return _text(path).is_not(None)
        case DataLike(path, pattern):
            text = _text(path)
            return and_(text.is_not(None), text.like(pattern, escape=LIKE_ESCAPE))
        case DataEquals(path, value, number):
            text = _text(path)
            as_text = and_(text.is_not(None), text == value)
            if number is None:
                index = containment.hint(path, value)
                return as_text if index is None else and_(index, as_text)
            as_number = JsonNumber(path)
            return or_(as_text, and_(as_number.is_not(None), as_number == number))
        case DataOrdered(path, order):
            as_number = JsonNumber(path)
            return and_(as_number.is_not(None), _ordered(as_number, order))
    raise AssertionError(f"not a search node: {node!r}")  # pragma: no cover - Node is closed


def _text(path: Path) -> ColumnElement[str]:
    node: Any = Event.payload[path]
    return node.as_string()  # type: ignore[no-any-return]


def _ordered(subject: Any, order: Compare[Any] | Between[Any]) -> ColumnElement[bool]:
    """``subject`` compared with a value, or within a range, on an ordered type."""
    if isinstance(order, Compare):
        return _compare(subject, order.op, order.bounds)
    parts: list[ColumnElement[bool]] = []
    if order.low is not None:
        parts.append(_compare(subject, ">=" if order.low_inclusive else ">", order.low))
    if order.high is not None:
        parts.append(_compare(subject, "<=" if order.high_inclusive else "<", order.high))
    if not parts:
        return subject.is_not(None)  # type: ignore[no-any-return]
    return parts[0] if len(parts) == 1 else and_(*parts)


def _compare(subject: Any, op: Op, bounds: Bounds[Any]) -> ColumnElement[bool]:
    start, end = bounds.start, bounds.end
    result: ColumnElement[bool]
    if op == "=":
        result = subject == start if end is None else and_(subject >= start, subject < end)
    elif op == ">":
        result = subject > start if end is None else subject >= end
    elif op == ">=":
        result = subject >= start
    elif op == "<":
        result = subject < start
    else:
        result = subject <= start if end is None else subject < end
    return result
