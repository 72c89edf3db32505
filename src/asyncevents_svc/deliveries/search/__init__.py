"""The delivery search language: a small Lucene-like query box, compiled to SQL.

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
    ``status``           ``pending``, ``delivered``, ``retrying``, ``dead``, ``cancelled`` or
                         ``expired`` (past its deadline undelivered).
    ``success``          ``true`` (delivered) or ``false`` (dead, retrying, cancelled or expired;
                         pending deliveries are neither).
    ``subscription_id``, ``store_id``, ``status_code`` (last HTTP status)
                         integers; comparisons and ranges allowed.
    ``notifier``         the notifier's name (wildcards allowed).
    ``created_at``, ``last_attempt_at``, ``first_attempt_at``, ``next_attempt_at``,
    ``expires_at``       (the delivery's; ``expires_at`` its deadline), ``received_at`` (the event's)
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

How it is built
    :mod:`.parser` reads the text into a tree (:mod:`.syntax`, frozen dataclasses), checking
    each value against its field (:mod:`.fields`, :mod:`.values`) as it goes, so the first
    error from the left is the one reported; :mod:`.compiler` turns a tree into a SQLAlchemy
    condition and cannot fail. The grammar and its errors are tested without a database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.sql.elements import ColumnElement

from asyncevents_svc.deliveries.search.compiler import compile_tree
from asyncevents_svc.deliveries.search.errors import (
    MAX_DEPTH,
    MAX_QUERY_LENGTH,
    MAX_WILDCARD_VALUE_LENGTH,
    MAX_WILDCARDS_PER_QUERY,
    MAX_WILDCARDS_PER_VALUE,
    SearchError,
)
from asyncevents_svc.deliveries.search.parser import parse

__all__ = [
    "MAX_DEPTH",
    "MAX_QUERY_LENGTH",
    "MAX_WILDCARDS_PER_QUERY",
    "MAX_WILDCARDS_PER_VALUE",
    "MAX_WILDCARD_VALUE_LENGTH",
    "SearchError",
    "compile_query",
    "compile_tree",
    "parse",
]


def compile_query(q: str, *, now: datetime | None = None) -> ColumnElement[bool]:
    """Parse ``q`` into a condition over :class:`Delivery` joined with :class:`Event`.

    ``now`` anchors relative times (``now-15m``); it defaults to the current time. Every
    value ends up in a bound parameter. Raises :class:`SearchError`.
    """
    return compile_tree(parse(q, now=now if now is not None else datetime.now(UTC)))
