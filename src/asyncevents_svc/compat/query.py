"""Turn parsed :class:`SearchCriteria` into SQL over the subscriptions table.

Values arrive as strings and are converted per field before they reach the database, so a
bad value is a 400 naming it, never a database error:

- ``subscription_id``, ``store_id``: 32-bit integers;
- ``status``: ``1``/``true``/``active`` or ``0``/``false``/``disabled`` (the module stores a
  boolean; we store ``active``/``disabled``);
- ``subscribed_at``: ``YYYY-MM-DD HH:MM:SS`` (the format we return), ``YYYY-MM-DD`` or ISO
  8601; without a zone it is UTC. The module's column holds whole seconds, and so does the
  value we show, so a value means its whole second: ``eq "2024-05-01 10:00:00"`` matches
  10:00:00.000 to 10:00:00.999 and ``to`` includes that second. A date alone is midnight, as in
  Magento (``to 2024-05-01`` stops at its first second);
- ``event_name``, ``recipient_url``, ``metadata``: text. ``like``/``nlike`` use SQL
  wildcards (``%``, ``_``, ``\\`` escapes) and ignore case, as the module's MySQL collation
  does; ``eq``/``in`` are exact, because names are case-sensitive everywhere else.

``in``/``nin`` take a comma-separated list. ``like`` is not offered on ``status`` or
``subscribed_at``; order comparisons are not offered on ``status``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    false,
    func,
    not_,
    or_,
    select,
)

from asyncevents_svc.applications.scope import within
from asyncevents_svc.compat.errors import MagentoBadRequest
from asyncevents_svc.compat.search_criteria import Filter, SearchCriteria
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.subscriptions.status import SubscriptionStatus

MAX_LIST_VALUES = 500
INT32 = 2_147_483_647
_INTEGER = re.compile(r"^[+-]?\d{1,10}$")
_STATUS = {
    "1": SubscriptionStatus.ACTIVE,
    "true": SubscriptionStatus.ACTIVE,
    "active": SubscriptionStatus.ACTIVE,
    "0": SubscriptionStatus.DISABLED,
    "false": SubscriptionStatus.DISABLED,
    "disabled": SubscriptionStatus.DISABLED,
}
_SECOND = timedelta(seconds=1)

Column = Any  # an ORM attribute; SQLAlchemy's own types for these do not compose well

COLUMNS: dict[str, Column] = {
    "subscription_id": Subscription.id,
    "event_name": Subscription.event_name,
    "recipient_url": Subscription.recipient_url,
    "status": Subscription.status,
    "metadata": Subscription.notifier,
    "store_id": Subscription.store_id,
    "subscribed_at": Subscription.subscribed_at,
}
#: The module stores status as a boolean, so ascending puts disabled (false) first.
SORT_KEYS: dict[str, Column] = {
    "status": case((Subscription.status == SubscriptionStatus.ACTIVE, 1), else_=0),
}
KINDS = {
    "subscription_id": "int",
    "store_id": "int",
    "status": "status",
    "subscribed_at": "datetime",
    "event_name": "text",
    "recipient_url": "text",
    "metadata": "text",
}
_NOT_FOR = {
    "status": {"like", "nlike", "gt", "gteq", "lt", "lteq", "from", "to"},
    "datetime": {"like", "nlike"},
}


def _type_error(value: str, field: str, expected: str) -> MagentoBadRequest:
    return MagentoBadRequest(
        'The "%1" value of "%2" is invalid. The "%3" type was expected.',
        [value[:100], field, expected],
    )


def _text(value: str, field: str) -> str:
    """Text that PostgreSQL can store: no NUL, no lone surrogates."""
    if "\x00" in value:
        raise _type_error(value, field, "string without NUL")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _type_error(value, field, "UTF-8 string") from None
    return value


def to_int(value: str, field: str) -> int:
    stripped = value.strip()
    if not _INTEGER.match(stripped) or abs(int(stripped)) > INT32:
        raise _type_error(_text(value, field), field, "int")
    return int(stripped)


def to_status(value: str, field: str) -> str:
    try:
        return _STATUS[value.strip().lower()]
    except KeyError:
        raise _type_error(_text(value, field), field, "bool") from None


def to_second(value: str, field: str) -> tuple[datetime, datetime]:
    """The (UTC) second a date-time value names, as ``[start, end)``."""
    try:
        moment = datetime.fromisoformat(_text(value, field).strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        start = moment.astimezone(UTC).replace(microsecond=0)
        return start, start + _SECOND
    except (ValueError, OverflowError):
        raise _type_error(value, field, "datetime (YYYY-MM-DD HH:MM:SS)") from None


def _plain(filter_: Filter, column: Column, convert: Callable[[str, str], Any]) -> ColumnElement[bool]:
    """Conditions on integer, status and text fields: one value compares to one value."""
    condition, field = filter_.condition, filter_.field
    raw = filter_.value or ""
    if condition in ("in", "nin"):
        values = [convert(v, field) for v in _split(raw, field)]
        clause = column.in_(values) if values else false()
        return not_(clause) if condition == "nin" else clause
    if condition in ("like", "nlike"):
        pattern = _like_pattern(raw, field)
        text = column if KINDS[field] == "text" else cast(column, String)
        clause = text.ilike(pattern, escape="\\")
        return not_(clause) if condition == "nlike" else clause
    value = convert(raw, field)
    operators: dict[str, Callable[[], ColumnElement[bool]]] = {
        "eq": lambda: column == value,
        "neq": lambda: column != value,
        "gt": lambda: column > value,
        "gteq": lambda: column >= value,
        "from": lambda: column >= value,
        "lt": lambda: column < value,
        "lteq": lambda: column <= value,
        "to": lambda: column <= value,
    }
    return operators[condition]()


def _seconds(filter_: Filter, column: Column) -> ColumnElement[bool]:
    """Conditions on ``subscribed_at``: each value stands for a whole second."""
    condition, field = filter_.condition, filter_.field
    raw = filter_.value or ""

    def within(second: tuple[datetime, datetime]) -> ColumnElement[bool]:
        return and_(column >= second[0], column < second[1])

    if condition in ("in", "nin"):
        seconds = [to_second(v, field) for v in _split(raw, field)]
        clause = or_(false(), *(within(s) for s in seconds))
        return not_(clause) if condition == "nin" else clause
    start, end = to_second(raw, field)
    operators: dict[str, Callable[[], ColumnElement[bool]]] = {
        "eq": lambda: within((start, end)),
        "neq": lambda: not_(within((start, end))),
        "gt": lambda: column >= end,
        "gteq": lambda: column >= start,
        "from": lambda: column >= start,
        "lt": lambda: column < start,
        "lteq": lambda: column < end,
        "to": lambda: column < end,
    }
    return operators[condition]()


def _split(raw: str, field: str) -> list[str]:
    values = [v.strip() for v in raw.split(",")] if raw.strip() else []
    if len(values) > MAX_LIST_VALUES:
        raise MagentoBadRequest('The list for "%1" has more than %2 values.', [field, str(MAX_LIST_VALUES)])
    return values


def _like_pattern(raw: str, field: str) -> str:
    pattern = _text(raw, field)
    trailing = len(pattern) - len(pattern.rstrip("\\"))
    if trailing % 2:
        raise MagentoBadRequest('The pattern for "%1" ends with an unfinished "\\" escape.', [field])
    return pattern


def condition(filter_: Filter) -> ColumnElement[bool]:
    """One filter as a SQL condition (values converted and checked first)."""
    field, kind = filter_.field, KINDS[filter_.field]
    column = COLUMNS[field]
    if filter_.condition in _NOT_FOR.get(kind, set()):
        raise MagentoBadRequest(
            'Condition type "%1" is not supported for field "%2".', [filter_.condition, field]
        )
    if filter_.condition == "null":
        return column.is_(None)  # type: ignore[no-any-return]
    if filter_.condition == "notnull":
        return column.is_not(None)  # type: ignore[no-any-return]
    if kind == "datetime":
        return _seconds(filter_, column)
    convert = {"int": to_int, "status": to_status, "text": _text}[kind]
    return _plain(filter_, column, convert)


def where(criteria: SearchCriteria, application_id: int | None = None) -> list[ColumnElement[bool]]:
    """OR within a filter group, AND across groups; an empty group constrains nothing. A
    caller bound to an application searches that application's subscriptions only."""
    groups = [
        or_(*(condition(f) for f in group.filters)) for group in criteria.filter_groups if group.filters
    ]
    return [*within(Subscription.application_id, application_id), *groups]


def page_query(criteria: SearchCriteria, *, application_id: int | None = None) -> Select[Subscription]:
    """The requested page, in the requested order, ties broken by ascending id."""
    query = select(Subscription).where(*where(criteria, application_id))
    for order in criteria.sort_orders or ():
        column = SORT_KEYS[order.field] if order.field in SORT_KEYS else COLUMNS[order.field]
        query = query.order_by(column.asc() if order.ascending else column.desc())
    query = query.order_by(Subscription.id.asc())
    if criteria.limit:
        query = query.limit(criteria.limit).offset(criteria.offset)
    return query


def count_query(criteria: SearchCriteria, *, application_id: int | None = None) -> Select[int]:
    """How many subscriptions match, across all pages (``total_count``)."""
    return select(func.count()).select_from(Subscription).where(*where(criteria, application_id))
