"""A term's value as written, checked against its field and turned into a tree node.

The parser calls :func:`check` as soon as it has read ``field:value``, so an error in a value
is reported before anything later in the query, as a reader going left to right expects
(``status:bogus AND (`` says ``unknown status``, not ``unclosed '('``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TypeAlias

from asyncevents_svc.deliveries.search.errors import SearchError
from asyncevents_svc.deliveries.search.fields import Field
from asyncevents_svc.deliveries.search.syntax import (
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
    OneOf,
    Op,
    Ordered,
    Path,
    T,
)
from asyncevents_svc.deliveries.status import DeliveryStatus

STATUSES = tuple(DeliveryStatus)
FAILED = (DeliveryStatus.DEAD, DeliveryStatus.RETRYING, DeliveryStatus.CANCELLED, DeliveryStatus.EXPIRED)
_INT32 = (-(2**31), 2**31 - 1)

NUMBER = re.compile(r"[-+]?(?:\d{1,100}(?:\.\d{0,100})?|\.\d{1,100})(?:[eE][-+]?\d{1,3})?", re.ASCII)
_INTEGER = re.compile(r"[-+]?\d{1,12}", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE | re.ASCII,
)
_RELATIVE = re.compile(r"now(?:([-+])(\d{1,9})([smhd]))?", re.ASCII)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class Scalar:
    """One value as written: ``text`` with escapes resolved; ``like`` if it has wildcards."""

    text: str
    like: str | None
    quoted: bool
    position: int

    @property
    def is_any(self) -> bool:
        """A lone unescaped ``*``: "has a value"."""
        return self.like == "%" and self.text == "*"


@dataclass(frozen=True)
class RawCompare:
    """``value`` or ``>value`` as written; ``position`` is where the operator (or value) starts."""

    op: Op
    value: Scalar
    position: int


@dataclass(frozen=True)
class RawRange:
    """``[low TO high}`` as written; an end written ``*`` is ``None``."""

    low: Scalar | None
    low_inclusive: bool
    high: Scalar | None
    high_inclusive: bool
    position: int


Raw: TypeAlias = RawCompare | RawRange


def check(field: Field, raw: Raw, now: datetime) -> Node:
    """``field:raw`` as a node; raises :class:`SearchError` for a value the field does not take.

    The checks run in a fixed order (has-a-value, then the field's kind, then each end of a
    range from low to high), so the first problem is the one reported."""
    if field.kind == "data":
        return _data(field.path, raw)
    if isinstance(raw, RawCompare) and raw.op == "=" and raw.value.is_any:
        if field.kind == "success":
            raise SearchError("success takes true or false", raw.value.position)
        return Exists(field.name)
    if field.kind == "text":
        value = _equality_only(field, raw)
        return Equals(field.name, value.text) if value.like is None else Like(field.name, value.like)
    if field.kind == "uuid":
        value = _exact(field, raw, "an exact UUID")
        try:
            return Equals(field.name, uuid.UUID(value.text))
        except ValueError:
            raise SearchError(f"'{value.text}' is not a UUID", value.position) from None
    if field.kind == "status":
        value = _exact(field, raw, f"one of {', '.join(STATUSES)}")
        if value.text not in STATUSES:
            raise SearchError(
                f"unknown status '{value.text}' (expected one of {', '.join(STATUSES)})", value.position
            )
        return Equals(field.name, value.text)
    if field.kind == "success":
        value = _exact(field, raw, "true or false")
        if value.text == "true":
            return Equals("status", DeliveryStatus.DELIVERED)
        if value.text == "false":
            return OneOf("status", FAILED)
        raise SearchError(f"success takes true or false, not '{value.text}'", value.position)
    if field.kind == "int":
        return Ordered(field.name, _order(raw, _integer))
    return Ordered(field.name, _order(raw, partial(_moment, now=now)))


def _data(path: Path, raw: Raw) -> Node:
    if isinstance(raw, RawCompare) and raw.op == "=":
        value = raw.value
        if value.is_any:
            return DataExists(path)
        if value.like is not None:
            return DataLike(path, value.like)
        if value.quoted or not NUMBER.fullmatch(value.text):
            return DataEquals(path, value.text)
        return DataEquals(path, value.text, Decimal(value.text))
    return DataOrdered(path, _order(raw, _decimal))


def _order(raw: Raw, parse: Callable[[Scalar], Bounds[T]]) -> Compare[T] | Between[T]:
    if isinstance(raw, RawCompare):
        return Compare(raw.op, parse(raw.value))
    low = None if raw.low is None else parse(raw.low)
    high = None if raw.high is None else parse(raw.high)
    return Between(low, raw.low_inclusive, high, raw.high_inclusive)


def _equality_only(field: Field, raw: Raw) -> Scalar:
    if isinstance(raw, RawRange) or raw.op != "=":
        raise SearchError(f"{field.name} does not support comparisons or ranges", raw.position)
    return raw.value


def _exact(field: Field, raw: Raw, expected: str) -> Scalar:
    value = _equality_only(field, raw)
    if value.like is not None:
        raise SearchError(f"{field.name} takes {expected}, without wildcards", value.position)
    return value


def _integer(value: Scalar) -> Bounds[int]:
    if value.like is None and _INTEGER.fullmatch(value.text):
        number = int(value.text)
        if _INT32[0] <= number <= _INT32[1]:
            return Bounds(number)
    raise SearchError(f"'{value.text}' is not an integer (or is out of range)", value.position)


def _moment(value: Scalar, now: datetime) -> Bounds[datetime]:
    text = value.text
    try:
        if value.like is None:
            relative = _RELATIVE.fullmatch(text)
            if relative is not None:
                sign, amount, unit = relative.groups()
                if sign is None:
                    return Bounds(now)
                delta = timedelta(**{_UNITS[unit]: int(amount)})
                return Bounds(now - delta if sign == "-" else now + delta)
            if _DATE.fullmatch(text):
                day = date.fromisoformat(text)
                start = datetime(day.year, day.month, day.day, tzinfo=UTC)
                return Bounds(start, start + timedelta(days=1))
            if _DATETIME.fullmatch(text):
                moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                return Bounds(moment.astimezone(UTC))
    except (ValueError, OverflowError):
        raise SearchError(f"'{text}' is not a valid time (or is out of range)", value.position) from None
    raise SearchError(
        f"'{text}' is not a time: use 2026-01-31, 2026-01-31T10:00:00Z or now-15m (units s, m, h, d)",
        value.position,
    )


def _decimal(value: Scalar) -> Bounds[Decimal]:
    if value.like is None and NUMBER.fullmatch(value.text):
        return Bounds(Decimal(value.text))
    raise SearchError(
        f"'{value.text}' is not a number (comparisons and ranges on payload fields are numeric)",
        value.position,
    )
