"""The tree a search query parses into: what it means, checked, with no SQL in it.

The parser (:mod:`.parser`) checks every value against its field as it reads it, so a tree
only holds conditions the compiler (:mod:`.compiler`) can always turn into SQL: field names
that exist, statuses that exist, integers in range, times resolved (relative ones against
the ``now`` the query was parsed at), payload paths split into keys and array indexes.
Positions are not kept: every error is raised while parsing, where they are known.

Node types::

    Node = And | Or | Not                          operators (And / Or have two parts or more)
         | Exists | Equals | OneOf | Like | Ordered    a delivery or event column
         | DataExists | DataEquals | DataLike | DataOrdered   a value in the event's payload
         | AnyId                                   a bare UUID: the delivery's or its event's

A range or comparison is an :data:`Order` of :class:`Bounds`: a value as an interval, so a
whole day (``2026-01-31``) is ``[start, end)`` and a point has no ``end``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Generic, Literal, TypeAlias, TypeVar

__all__ = [
    "LIKE_ESCAPE",
    "And",
    "AnyId",
    "Between",
    "Bounds",
    "Compare",
    "DataEquals",
    "DataExists",
    "DataLike",
    "DataOrdered",
    "Equals",
    "Exists",
    "Like",
    "Node",
    "Not",
    "OneOf",
    "Op",
    "Or",
    "Order",
    "Ordered",
    "Path",
]

T = TypeVar("T", int, datetime, Decimal)
Op: TypeAlias = Literal["=", ">", ">=", "<", "<="]
#: A payload path: object keys and array indexes (``data.items.0.sku`` → ``("items", 0, "sku")``).
Path: TypeAlias = tuple[str | int, ...]
#: The escape character of the ``LIKE`` patterns in the tree (not ``\\``, whose meaning in SQL
#: literals varies by database): ``/%`` is a percent sign, ``//`` a slash.
LIKE_ESCAPE = "/"


@dataclass(frozen=True)
class Bounds(Generic[T]):
    """A value as an interval: ``start`` alone for a point, ``[start, end)`` for a whole day."""

    start: T
    end: T | None = None


@dataclass(frozen=True)
class Compare(Generic[T]):
    """``field:value`` (``=``) or ``field:>value`` and the like, on an ordered field."""

    op: Op
    bounds: Bounds[T]


@dataclass(frozen=True)
class Between(Generic[T]):
    """``field:[low TO high}``; a ``None`` end is open (``*``)."""

    low: Bounds[T] | None
    low_inclusive: bool
    high: Bounds[T] | None
    high_inclusive: bool


Order: TypeAlias = Compare[T] | Between[T]


# --------------------------------------------------------------------------- columns


@dataclass(frozen=True)
class Exists:
    """``field:*``: the column is not NULL."""

    field: str


@dataclass(frozen=True)
class Equals:
    """An exact value of a text, UUID or status column (``success:true`` is ``status = delivered``)."""

    field: str
    value: str | uuid.UUID


@dataclass(frozen=True)
class OneOf:
    """The column holds one of ``values`` (``success:false``: dead, retrying, cancelled or expired)."""

    field: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Like:
    """A text column matched by a ``LIKE`` pattern (``%``, ``_``; ``/`` escapes)."""

    field: str
    pattern: str


@dataclass(frozen=True)
class Ordered:
    """An integer or time column compared with a value or within a range."""

    field: str
    order: Order[int] | Order[datetime]


@dataclass(frozen=True)
class AnyId:
    """A bare UUID: the delivery with that id, or the deliveries of the event with that id."""

    value: uuid.UUID


# --------------------------------------------------------------------------- payload


@dataclass(frozen=True)
class DataExists:
    """``data.path:*``: the path exists and is not JSON null."""

    path: Path


@dataclass(frozen=True)
class DataEquals:
    """The value at ``path``, as text, is ``text``; or, when ``number`` is set (an unquoted
    number), is a JSON number (or numeric string) equal to it."""

    path: Path
    text: str
    number: Decimal | None = None


@dataclass(frozen=True)
class DataLike:
    """The value at ``path``, as text, matches a ``LIKE`` pattern."""

    path: Path
    pattern: str


@dataclass(frozen=True)
class DataOrdered:
    """The value at ``path``, as a number, compared with a number or within a range; values
    that are not numbers never match."""

    path: Path
    order: Order[Decimal]


# --------------------------------------------------------------------------- operators


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node: TypeAlias = (
    And
    | Or
    | Not
    | Exists
    | Equals
    | OneOf
    | Like
    | Ordered
    | AnyId
    | DataExists
    | DataEquals
    | DataLike
    | DataOrdered
)
