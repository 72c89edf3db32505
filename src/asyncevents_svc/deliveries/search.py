"""The delivery search language: a small Lucene-like query box, compiled straight to SQL.

Examples::

    event_name:sales.order.* AND success:false
    data.customer.email:roni* -status:cancelled
    (status:dead OR status:retrying) AND created_at:>now-1h
    data.items.0.sku:"CK 100" data.grand_total:[100 TO 500}
    status:(dead OR retrying) last_attempt_at:[2026-01-01 TO 2026-01-31T12:00:00Z]

Terms
    A term is ``field:value``: no space on either side of the colon. Values are
    case-sensitive.

    ``word``       a value without spaces, parentheses or quotes (escape or quote those).
                   ``*`` stands for any run of characters and
                   ``?`` for exactly one (``customer.*``, ``CK??1``); a word without them
                   must match exactly. ``\\`` escapes the next character (``100\\*`` is
                   the text ``100*``, ``a\\ b`` has a space).
    ``"phrase"``   an exact value that may contain spaces; ``*`` and ``?`` are plain
                   characters here, and ``\\"`` / ``\\\\`` are a quote and a backslash.
    ``field:*``    the field has a value (for ``data.``: the path exists and is not null).
    ``>v`` ``>=v`` ``<v`` ``<=v``
                   comparisons, for time, number and ``data.`` fields.
    ``[a TO b]``   a range, both ends included; ``{a TO b}`` excludes both ends, and the
                   brackets may be mixed (``[a TO b}``). ``*`` leaves an end open.
    ``field:(v1 OR v2 ...)``
                   a group of values for one field, with the same operators as below
                   (``status:(dead OR retrying)``, ``created_at:(<2026-01-01 OR >now-1d)``).

Operators (upper case only), strongest first
    ``NOT term`` or ``-term``   negation;
    ``a AND b`` or ``a b``      both (adjacent terms are joined by AND);
    ``a OR b``                  either;
    ``( ... )``                 grouping.

    A ``-`` directly before a digit is a minus sign, not NOT: ``store_id:(-1 OR 0)``.

    ``NOT`` keeps the usual meaning even when a value is missing: ``NOT data.coupon:X``
    also finds deliveries whose payload has no ``coupon``, and ``NOT last_attempt_at:*``
    finds deliveries never attempted.

Fields
    ``event_name``       the event's name (wildcards allowed), e.g. ``event_name:customer.*``.
    ``uuid``             the delivery's UUID (the ``webhook-id`` header); exact UUIDs only.
    ``event_id``         the event's UUID; exact UUIDs only.
    ``status``           ``pending``, ``delivered``, ``retrying``, ``dead`` or ``cancelled``.
    ``success``          ``true`` (delivered) or ``false`` (dead, retrying or cancelled;
                         pending deliveries are neither).
    ``subscription_id``, ``store_id``, ``status_code`` (last HTTP status)
                         integers; comparisons and ranges allowed.
    ``notifier``         the notifier's name (wildcards allowed).
    ``created_at``, ``last_attempt_at``, ``first_attempt_at``, ``next_attempt_at``
                         (the delivery's), ``received_at`` (the event's)
                         times; comparisons and ranges allowed.
    ``data.<path>``      a value in the event's payload (the ``data`` object receivers get):
                         ``data.customer.email``; a number in the path indexes an array,
                         ``data.items.0.sku``. Path segments may use letters, digits,
                         ``_``, ``-``, ``$`` and ``@``.

    Payload values are compared as text (``data.increment_id:"000000123"``,
    ``data.customer.email:*@example.com``); an unquoted number also matches the same
    number written differently (``data.grand_total:100`` matches ``100.0``).
    Comparisons and ranges on ``data.`` fields are numeric and consider only JSON
    numbers and strings that hold a number: ``data.grand_total:>=100``.

Times
    ``2026-01-31`` (a whole day, UTC), ``2026-01-31T10:00:00Z``, ``2026-01-31T10:00+02:00``
    (a time without an offset is UTC), or relative to now: ``now``, ``now-15m``,
    ``now+1h`` with units ``s``, ``m``, ``h``, ``d``. A whole day behaves as a day:
    ``created_at:2026-01-31`` is any time that day, ``>2026-01-31`` starts the next day
    and ``[2026-01-01 TO 2026-01-31]`` includes all of the 31st. Quote a time to write it
    with a space: ``created_at:>"2026-01-31 10:00"``.

Bare words
    A word without a field is an error (there is no full-text index to search, and
    guessing a field would hide typos), except a bare UUID, which finds the delivery or
    event with that UUID, so an id pasted from a receiver's log just works.

Limits
    A query has at most 1,000 characters and 20 levels of nesting (parentheses and
    ``NOT``). A value has at most 4 wildcards (``*`` or ``?``; a lone ``*`` meaning "has a
    value" is none), a query at most 8, and a value with wildcards at most 64 characters:
    neither database can stop a ``LIKE`` half-way through one row, and its cost there grows
    with the text after a ``*`` times the length of the payload value. Every error names
    the problem and its 0-based character position.

    A search also has a time budget (``ASYNCEVENTS_SECURITY__SEARCH_TIMEOUT``), enforced by
    the database where it runs (:mod:`asyncevents_svc.db.deadline`).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Generic, Literal, TypeVar

from sqlalchemy import JSON, Numeric, and_, bindparam, case, cast, func, not_, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal

from asyncevents_svc.db.models import Delivery, Event

__all__ = [
    "MAX_DEPTH",
    "MAX_QUERY_LENGTH",
    "MAX_WILDCARDS_PER_QUERY",
    "MAX_WILDCARDS_PER_VALUE",
    "MAX_WILDCARD_VALUE_LENGTH",
    "SearchError",
    "compile_query",
]

MAX_QUERY_LENGTH = 1000
MAX_DEPTH = 20
MAX_WILDCARDS_PER_VALUE = 4
MAX_WILDCARDS_PER_QUERY = 8
MAX_WILDCARD_VALUE_LENGTH = 64

#: The LIKE escape character (not ``\\``, whose meaning in SQL literals varies by database).
_LIKE_ESCAPE = "/"
_STATUSES = ("pending", "delivered", "retrying", "dead", "cancelled")
_FAILED = ("dead", "retrying", "cancelled")
_INT32 = (-(2**31), 2**31 - 1)
_KEYWORDS = ("AND", "OR", "NOT")
_PATH_PUNCTUATION = frozenset("_-$@")

_NUMBER = re.compile(r"[-+]?(?:\d{1,100}(?:\.\d{0,100})?|\.\d{1,100})(?:[eE][-+]?\d{1,3})?", re.ASCII)
#: The same, for PostgreSQL's ``~`` (a string in the payload only counts as a number if it
#: matches, so the cast to NUMERIC can never fail).
_PG_NUMBER = "^" + _NUMBER.pattern.replace(r"\d", "[0-9]") + "$"
_INTEGER = re.compile(r"[-+]?\d{1,12}", re.ASCII)
#: A path segment that indexes an array (others, like ``01``, are object keys).
_ARRAY_INDEX = re.compile(r"0|[1-9]\d{0,8}", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE | re.ASCII,
)
_RELATIVE = re.compile(r"now(?:([-+])(\d{1,9})([smhd]))?", re.ASCII)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


class SearchError(Exception):
    """A query that cannot be compiled: ``str(error)`` says why, ``position`` says where."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def compile_query(q: str, *, now: datetime | None = None) -> ColumnElement[bool]:
    """Parse ``q`` into a condition over :class:`Delivery` joined with :class:`Event`.

    ``now`` anchors relative times (``now-15m``); it defaults to the current time. Every
    value ends up in a bound parameter. Raises :class:`SearchError`.
    """
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchError(f"the query is longer than {MAX_QUERY_LENGTH} characters", MAX_QUERY_LENGTH)
    for index, char in enumerate(q):
        if unicodedata.category(char) in ("Cc", "Cs") and not char.isspace():
            raise SearchError(f"the query contains an invalid character (U+{ord(char):04X})", index)
    moment = now if now is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return _Parser(q, moment).parse()


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class _Value:
    """One scalar as written: ``text`` with escapes resolved; ``like`` if it has wildcards."""

    text: str
    like: str | None
    quoted: bool
    position: int

    @property
    def is_any(self) -> bool:
        """A lone unescaped ``*``: "has a value"."""
        return self.like == "%" and self.text == "*"


@dataclass(frozen=True)
class _Compare:
    op: Literal["=", ">", ">=", "<", "<="]
    value: _Value
    position: int


@dataclass(frozen=True)
class _Range:
    low: _Value | None
    low_inclusive: bool
    high: _Value | None
    high_inclusive: bool
    position: int


_Spec = _Compare | _Range


@dataclass(frozen=True)
class _Field:
    name: str
    kind: str
    position: int
    path: tuple[str | int, ...] = ()


@dataclass(frozen=True)
class _Column:
    kind: Literal["text", "uuid", "status", "success", "int", "time"]
    column: Callable[[], InstrumentedAttribute[Any]]
    nullable: bool = False


# Columns are looked up lazily so that importing this module never touches the mapper.
_FIELDS: dict[str, _Column] = {
    "event_name": _Column("text", lambda: Event.name),
    "uuid": _Column("uuid", lambda: Delivery.id),
    "event_id": _Column("uuid", lambda: Delivery.event_id),
    "status": _Column("status", lambda: Delivery.status),
    "success": _Column("success", lambda: Delivery.status),
    "subscription_id": _Column("int", lambda: Delivery.subscription_id),
    "store_id": _Column("int", lambda: Event.store_id),
    "status_code": _Column("int", lambda: Delivery.last_status_code, nullable=True),
    "notifier": _Column("text", lambda: Delivery.notifier),
    "created_at": _Column("time", lambda: Delivery.created_at),
    "last_attempt_at": _Column("time", lambda: Delivery.last_attempt_at, nullable=True),
    "first_attempt_at": _Column("time", lambda: Delivery.first_attempt_at, nullable=True),
    "next_attempt_at": _Column("time", lambda: Delivery.next_attempt_at, nullable=True),
    "received_at": _Column("time", lambda: Event.received_at),
}
_KNOWN = ", ".join([*_FIELDS, "data.<path>"])


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent straight over the characters (no separate tokenizer).

    ::

        query    = or_expr EOF
        or_expr  = and_expr { "OR" and_expr }
        and_expr = unary { ["AND"] unary }
        unary    = ("NOT" | "-") unary | primary
        primary  = "(" or_expr ")" | term
        term     = field ":" ( "(" or_expr ")" | value ) | UUID     -- at the top
                 = value                                            -- inside field:( ... )
        value    = range | ( ">" | ">=" | "<" | "<=" ) scalar | scalar
        range    = ( "[" | "{" ) bound "TO" bound ( "]" | "}" )
        scalar   = phrase | word
    """

    def __init__(self, text: str, now: datetime) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0
        self.now = now
        self.wildcards = 0  # in the query so far

    # -- helpers

    def _peek(self, offset: int = 0) -> str | None:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else None

    def _at_end(self) -> bool:
        return self.pos >= len(self.text)

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _keyword(self) -> str | None:
        """The operator keyword starting here, if any (a keyword ends at a space, paren or quote)."""
        for keyword in _KEYWORDS:
            if self.text.startswith(keyword, self.pos):
                after = self.pos + len(keyword)
                if after == len(self.text) or self.text[after].isspace() or self.text[after] in '()"':
                    return keyword
        return None

    @contextmanager
    def _nested(self, position: int) -> Iterator[None]:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SearchError(f"the query is nested more than {MAX_DEPTH} levels deep", position)
        try:
            yield
        finally:
            self.depth -= 1

    def _expect_operand(self, operator: str, position: int) -> None:
        """After ``operator`` (at ``position``) there must be a term."""
        self._skip_space()
        keyword = self._keyword()
        if keyword in ("AND", "OR"):
            raise SearchError(f"'{keyword}' cannot follow '{operator}'", self.pos)
        if self._at_end() or self._peek() == ")":
            raise SearchError(f"'{operator}' needs a term after it", position)

    # -- expressions

    def parse(self) -> ColumnElement[bool]:
        self._skip_space()
        if self._at_end():
            raise SearchError("the query is empty", 0)
        expression = self._or(None)
        if not self._at_end():  # _or only stops early at a ')'
            raise SearchError("unbalanced ')': there is no '(' to close", self.pos)
        return expression

    def _or(self, field: _Field | None) -> ColumnElement[bool]:
        parts = [self._and(field)]
        while self._keyword() == "OR":
            position = self.pos
            self.pos += 2
            self._expect_operand("OR", position)
            parts.append(self._and(field))
        return parts[0] if len(parts) == 1 else or_(*parts)

    def _and(self, field: _Field | None) -> ColumnElement[bool]:
        parts = [self._unary(field)]
        while True:
            self._skip_space()
            if self._at_end() or self._peek() == ")":
                break
            keyword = self._keyword()
            if keyword == "OR":
                break
            if keyword == "AND":
                position = self.pos
                self.pos += 3
                self._expect_operand("AND", position)
            parts.append(self._unary(field))
        return parts[0] if len(parts) == 1 else and_(*parts)

    def _unary(self, field: _Field | None) -> ColumnElement[bool]:
        self._skip_space()
        position = self.pos
        if self._keyword() == "NOT":
            self.pos += 3
            self._expect_operand("NOT", position)
        elif self._peek() == "-" and not _is_digit(self._peek(1)):  # "-5" is a value, not NOT 5
            following = self._peek(1)
            if following is None or following.isspace() or following == ")":
                raise SearchError("'-' must be followed directly by a term", position)
            self.pos += 1
        else:
            return self._primary(field)
        with self._nested(position):
            return not_(self._unary(field))

    def _primary(self, field: _Field | None) -> ColumnElement[bool]:
        self._skip_space()
        position = self.pos
        if self._peek() == "(":
            return self._group(field)
        if self._peek() == ")":
            raise SearchError("unbalanced ')': there is no '(' to close", position)
        keyword = self._keyword()
        if keyword is not None:  # NOT is handled by _unary, so only AND / OR get here
            raise SearchError(f"'{keyword}' needs a term before it", position)
        if field is not None:
            return _match(field, self._value(field), self.now)
        return self._term()

    def _group(self, field: _Field | None) -> ColumnElement[bool]:
        position = self.pos
        self.pos += 1
        with self._nested(position):
            self._skip_space()
            if self._peek() == ")":
                raise SearchError("empty parentheses", position)
            if self._at_end():
                raise SearchError("unclosed '(': missing ')'", position)
            expression = self._or(field)
            if self._at_end():
                raise SearchError("unclosed '(': missing ')'", position)
            self.pos += 1  # the ')'
        return expression

    def _term(self) -> ColumnElement[bool]:
        start = self.pos
        char = self._peek()
        if char == '"':
            raise SearchError('a quoted phrase needs a field, as in event_name:"..."', start)
        end = start
        while end < len(self.text) and not self.text[end].isspace() and self.text[end] not in '():"':
            end += 1
        word = self.text[start:end]
        if end < len(self.text) and self.text[end] == ":":
            if not word:
                raise SearchError("expected a field name before ':'", start)
            field = _field(word, start)
            self.pos = end + 1
            if self._peek() == "(":
                return self._group(field)
            return _match(field, self._value(field), self.now)
        self.pos = end
        try:
            found = uuid.UUID(word)
        except ValueError:
            pass
        else:
            return or_(Delivery.id == found, Delivery.event_id == found)
        if word.upper() in _KEYWORDS:
            raise SearchError(
                f"'{word}' is not an operator: operators are upper case ({word.upper()})", start
            )
        raise SearchError(f"'{word}' has no field: write field:value, e.g. event_name:{word}", start)

    # -- values

    def _value(self, field: _Field) -> _Spec:
        start = self.pos
        char = self._peek()
        if char is None or char.isspace() or char == ")":
            raise SearchError(f"'{field.name}:' needs a value", start)
        if char in "[{":
            return self._range()
        if char in "<>":
            op: Literal[">", ">=", "<", "<="] = ">" if char == ">" else "<"
            self.pos += 1
            if self._peek() == "=":
                op = ">=" if op == ">" else "<="
                self.pos += 1
            following = self._peek()
            if following is None or following.isspace() or following in "()":
                raise SearchError(f"'{op}' needs a value right after it", start)
            return _Compare(op, self._scalar("()"), start)
        return _Compare("=", self._scalar("()"), start)

    def _range(self) -> _Range:
        start = self.pos
        low_inclusive = self.text[start] == "["
        self.pos += 1
        self._skip_space()
        low = self._bound(start, "a lower")
        before_to = self.pos
        self._skip_space()
        if not (self.pos > before_to and self.text.startswith("TO", self.pos)):
            self._unclosed_range(start)
            raise SearchError("expected ' TO ' between the ends of the range", self.pos)
        self.pos += 2
        following = self._peek()
        if following is not None and not following.isspace():
            raise SearchError("expected ' TO ' between the ends of the range", self.pos - 2)
        self._skip_space()
        high = self._bound(start, "an upper")
        self._skip_space()
        self._unclosed_range(start)
        closing = self.text[self.pos]
        if closing not in "]}":
            raise SearchError("expected ']' or '}' to close the range", self.pos)
        self.pos += 1
        return _Range(low, low_inclusive, high, closing == "]", start)

    def _unclosed_range(self, start: int) -> None:
        if self._at_end():
            raise SearchError("unclosed range: missing ']' or '}'", start)

    def _bound(self, start: int, which: str) -> _Value | None:
        char = self._peek()
        if char is None or char.isspace() or char in "]}":
            self._unclosed_range(start)
            raise SearchError(f"the range needs {which} end (use * to leave it open)", self.pos)
        value = self._scalar("]}()")
        return None if value.is_any else value

    def _scalar(self, stops: str) -> _Value:
        return self._phrase(stops) if self._peek() == '"' else self._word(stops)

    def _phrase(self, stops: str) -> _Value:
        start = self.pos
        self.pos += 1
        chars: list[str] = []
        while True:
            char = self._peek()
            if char is None:
                raise SearchError('unclosed quote: missing "', start)
            self.pos += 1
            if char == '"':
                break
            if char == "\\":
                escaped = self._peek()
                if escaped is None:
                    raise SearchError('unclosed quote: missing "', start)
                chars.append(escaped)
                self.pos += 1
            else:
                chars.append(char)
        following = self._peek()
        if following is not None and not following.isspace() and following not in stops:
            raise SearchError("expected a space or ')' after the closing quote", self.pos)
        return _Value("".join(chars), None, True, start)

    def _word(self, stops: str) -> _Value:
        start = self.pos
        chars: list[str] = []
        pattern: list[str] = []
        wild: list[int] = []  # where the wildcards are
        while not self._at_end():
            char = self.text[self.pos]
            if char.isspace() or char in stops:
                break
            if char == '"':
                raise SearchError('a quote inside a value: quote the whole value or write \\"', self.pos)
            if char == "\\":
                if self._peek(1) is None:
                    raise SearchError("'\\' at the end of the query escapes nothing", self.pos)
                char = self.text[self.pos + 1]
                self.pos += 2
                chars.append(char)
                pattern.append(_like_literal(char))
                continue
            self.pos += 1
            chars.append(char)
            if char in "*?":
                wild.append(self.pos - 1)
                pattern.append("%" if char == "*" else "_")
            else:
                pattern.append(_like_literal(char))
        value = _Value("".join(chars), "".join(pattern) if wild else None, False, start)
        if wild and not value.is_any:
            self._count_wildcards(value, wild)
        return value

    def _count_wildcards(self, value: _Value, wild: list[int]) -> None:
        """Keep a ``LIKE``'s cost bounded (see "Limits"): refuse a value or a query with too
        many wildcards, or a value with wildcards that is too long."""
        if len(wild) > MAX_WILDCARDS_PER_VALUE:
            raise SearchError(
                f"a value may have at most {MAX_WILDCARDS_PER_VALUE} wildcards (* or ?)",
                wild[MAX_WILDCARDS_PER_VALUE],
            )
        if len(value.text) > MAX_WILDCARD_VALUE_LENGTH:
            raise SearchError(
                f"a value with wildcards may be at most {MAX_WILDCARD_VALUE_LENGTH} characters long",
                value.position,
            )
        room = MAX_WILDCARDS_PER_QUERY - self.wildcards
        if len(wild) > room:
            raise SearchError(
                f"a query may have at most {MAX_WILDCARDS_PER_QUERY} wildcards (* or ?) in all", wild[room]
            )
        self.wildcards += len(wild)


def _is_digit(char: str | None) -> bool:
    return char is not None and "0" <= char <= "9"


def _like_literal(char: str) -> str:
    return _LIKE_ESCAPE + char if char in ("%", "_", _LIKE_ESCAPE) else char


def _field(name: str, position: int) -> _Field:
    head, dot, rest = name.partition(".")
    if head == "data":
        if not dot:
            raise SearchError("'data' needs a path, as in data.customer.email", position)
        path: list[str | int] = []
        offset = position + len(head) + 1
        for segment in rest.split("."):
            if not segment:
                raise SearchError(f"empty segment in the payload path '{name}'", offset)
            for index, char in enumerate(segment):
                if not (char.isalnum() or char in _PATH_PUNCTUATION):
                    raise SearchError(
                        f"'{char}' cannot appear in a payload path (use letters, digits, _ - $ @)",
                        offset + index,
                    )
            path.append(int(segment) if _ARRAY_INDEX.fullmatch(segment) else segment)
            offset += len(segment) + 1
        return _Field(name, "data", position, tuple(path))
    column = _FIELDS.get(name)
    if column is None:
        raise SearchError(f"unknown field '{name}' (known fields: {_KNOWN})", position)
    return _Field(name, column.kind, position)


# --------------------------------------------------------------------------- compiling terms

_V = TypeVar("_V")
_Op = Literal["=", ">", ">=", "<", "<="]


def _match(field: _Field, spec: _Spec, now: datetime) -> ColumnElement[bool]:
    if field.kind == "data":
        return _match_data(field, spec)
    column = _FIELDS[field.name]
    attribute = column.column()
    if isinstance(spec, _Compare) and spec.op == "=" and spec.value.is_any:
        if field.kind == "success":
            raise SearchError("success takes true or false", spec.value.position)
        return attribute.is_not(None)
    if column.kind == "text":
        value = _equality_only(field, spec)
        if value.like is not None:
            return attribute.like(value.like, escape=_LIKE_ESCAPE)
        return attribute == value.text
    if column.kind == "uuid":
        value = _exact(field, spec, "an exact UUID")
        try:
            return attribute == uuid.UUID(value.text)
        except ValueError:
            raise SearchError(f"'{value.text}' is not a UUID", value.position) from None
    if column.kind == "status":
        value = _exact(field, spec, f"one of {', '.join(_STATUSES)}")
        if value.text not in _STATUSES:
            raise SearchError(
                f"unknown status '{value.text}' (expected one of {', '.join(_STATUSES)})", value.position
            )
        return attribute == value.text
    if column.kind == "success":
        value = _exact(field, spec, "true or false")
        if value.text == "true":
            return attribute == "delivered"
        if value.text == "false":
            return attribute.in_(_FAILED)
        raise SearchError(f"success takes true or false, not '{value.text}'", value.position)
    parse: Callable[[_Value], _Bounds[Any]] = _integer if column.kind == "int" else partial(_moment, now=now)
    condition = _ordered(attribute, spec, parse)
    return and_(attribute.is_not(None), condition) if column.nullable else condition


@dataclass(frozen=True)
class _Bounds(Generic[_V]):
    """A value as an interval: ``start`` alone for a point, ``[start, end)`` for a whole day."""

    start: _V
    end: _V | None = None


def _ordered(subject: Any, spec: _Spec, parse: Callable[[_Value], _Bounds[Any]]) -> ColumnElement[bool]:
    """``subject`` compared with a value, or within a range, on an ordered type."""
    if isinstance(spec, _Compare):
        return _compare(subject, spec.op, parse(spec.value))
    parts: list[ColumnElement[bool]] = []
    if spec.low is not None:
        parts.append(_compare(subject, ">=" if spec.low_inclusive else ">", parse(spec.low)))
    if spec.high is not None:
        parts.append(_compare(subject, "<=" if spec.high_inclusive else "<", parse(spec.high)))
    if not parts:
        return subject.is_not(None)  # type: ignore[no-any-return]
    return parts[0] if len(parts) == 1 else and_(*parts)


def _compare(subject: Any, op: _Op, bounds: _Bounds[Any]) -> ColumnElement[bool]:
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


def _equality_only(field: _Field, spec: _Spec) -> _Value:
    if isinstance(spec, _Range) or spec.op != "=":
        raise SearchError(f"{field.name} does not support comparisons or ranges", spec.position)
    return spec.value


def _exact(field: _Field, spec: _Spec, expected: str) -> _Value:
    value = _equality_only(field, spec)
    if value.like is not None:
        raise SearchError(f"{field.name} takes {expected}, without wildcards", value.position)
    return value


def _integer(value: _Value) -> _Bounds[int]:
    if value.like is None and _INTEGER.fullmatch(value.text):
        number = int(value.text)
        if _INT32[0] <= number <= _INT32[1]:
            return _Bounds(number)
    raise SearchError(f"'{value.text}' is not an integer (or is out of range)", value.position)


def _moment(value: _Value, now: datetime) -> _Bounds[datetime]:
    text = value.text
    try:
        if value.like is None:
            relative = _RELATIVE.fullmatch(text)
            if relative is not None:
                sign, amount, unit = relative.groups()
                if sign is None:
                    return _Bounds(now)
                delta = timedelta(**{_UNITS[unit]: int(amount)})
                return _Bounds(now - delta if sign == "-" else now + delta)
            if _DATE.fullmatch(text):
                day = date.fromisoformat(text)
                start = datetime(day.year, day.month, day.day, tzinfo=UTC)
                return _Bounds(start, start + timedelta(days=1))
            if _DATETIME.fullmatch(text):
                moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                return _Bounds(moment.astimezone(UTC))
    except (ValueError, OverflowError):
        raise SearchError(f"'{text}' is not a valid time (or is out of range)", value.position) from None
    raise SearchError(
        f"'{text}' is not a time: use 2026-01-31, 2026-01-31T10:00:00Z or now-15m (units s, m, h, d)",
        value.position,
    )


def _decimal(value: _Value) -> _Bounds[Decimal]:
    if value.like is None and _NUMBER.fullmatch(value.text):
        return _Bounds(Decimal(value.text))
    raise SearchError(
        f"'{value.text}' is not a number (comparisons and ranges on payload fields are numeric)",
        value.position,
    )


# --------------------------------------------------------------------------- payload fields


def _match_data(field: _Field, spec: _Spec) -> ColumnElement[bool]:
    node: Any = Event.payload[field.path]
    text: ColumnElement[str] = node.as_string()
    if isinstance(spec, _Compare) and spec.op == "=":
        value = spec.value
        if value.is_any:
            return text.is_not(None)
        if value.like is not None:
            return and_(text.is_not(None), text.like(value.like, escape=_LIKE_ESCAPE))
        as_text = and_(text.is_not(None), text == value.text)
        if value.quoted or not _NUMBER.fullmatch(value.text):
            return as_text
        number = _JsonNumber(field.path)
        return or_(as_text, and_(number.is_not(None), number == Decimal(value.text)))
    number = _JsonNumber(field.path)
    return and_(number.is_not(None), _ordered(number, spec, _decimal))


class _JsonNumber(ColumnElement[Decimal]):
    """The payload value at ``path`` as a number, or NULL when it is not one.

    SQLAlchemy's ``as_float()`` alone is not enough: PostgreSQL raises an error when
    casting a non-numeric string, and SQLite silently turns one into 0 (or compares text
    with numbers). So each database gets a guarded form, chosen when the statement is
    compiled: JSON numbers (and, on PostgreSQL, strings that hold a number) are cast,
    anything else is NULL.
    """

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own convention)
        ("postgresql", InternalTraversal.dp_clauseelement),
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("default", InternalTraversal.dp_clauseelement),
    ]
    type = Numeric()

    def __init__(self, path: tuple[str | int, ...]) -> None:
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


@compiles(_JsonNumber, "postgresql")
def _json_number_postgresql(element: _JsonNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.postgresql, **kw)


@compiles(_JsonNumber, "sqlite")
def _json_number_sqlite(element: _JsonNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.sqlite, **kw)


@compiles(_JsonNumber)
def _json_number_default(element: _JsonNumber, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.default, **kw)
