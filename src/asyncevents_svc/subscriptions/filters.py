"""Payload filters: which events a subscription wants, decided on the resolved payload.

A filter is a JSON condition. ``and`` / ``or`` take a non-empty list of conditions; any
other condition names a ``path`` into the payload and exactly one operator::

    {"and": [
        {"path": "status", "eq": "paid"},
        {"path": "total", "gte": 100},
        {"or": [{"path": "customer.group", "in": ["vip", "wholesale"]},
                {"path": "items.0.sku", "exists": true}]}
    ]}

Operators: ``eq`` and ``ne`` (any JSON value; ``1`` equals ``1.0``, ``true`` is not ``1``),
``in`` (a non-empty list of values), ``exists`` (``true`` or ``false``), ``gt`` / ``gte`` /
``lt`` / ``lte`` (a number; a value that is not a number never satisfies them). A path is
dot-separated object keys; a segment of digits also indexes a list. On a path that is
missing, only ``exists: false`` and ``ne`` hold.

:func:`parse` validates a filter at create/update and names the failing part
(``filter.and[1].gte``); :func:`explain_miss` evaluates one and says why an event did not
match, which the event's record keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from asyncevents_svc.errors import ValidationFailed

COMPARISONS = ("gt", "gte", "lt", "lte")
OPERATORS = ("eq", "ne", "in", "exists", *COMPARISONS)
MAX_DEPTH = 8
MAX_CONDITIONS = 64
MAX_PATH_SEGMENTS = 16
MAX_IN_VALUES = 256
_MISSING = object()


@dataclass(frozen=True)
class Test:
    path: tuple[str, ...]
    op: str
    value: Any


@dataclass(frozen=True)
class Group:
    kind: str  # "and" or "or"
    children: tuple[Condition, ...]


Condition = Test | Group


def parse(raw: Any, field: str = "filter") -> Condition:
    """The filter as a tree; a :class:`ValidationFailed` naming the part that is wrong."""
    counter = [0]
    return _parse(raw, field, 1, counter)


def _parse(raw: Any, field: str, depth: int, counter: list[int]) -> Condition:
    counter[0] += 1
    if counter[0] > MAX_CONDITIONS:
        raise ValidationFailed(field, f"a filter has at most {MAX_CONDITIONS} conditions")
    if depth > MAX_DEPTH:
        raise ValidationFailed(field, f"a filter nests at most {MAX_DEPTH} levels")
    if not isinstance(raw, dict):
        raise ValidationFailed(field, "a condition is an object: {'path': ..., '<operator>': ...} or and/or")
    groups = [key for key in ("and", "or") if key in raw]
    if groups:
        if len(raw) != 1:
            raise ValidationFailed(field, f"{groups[0]!r} stands alone in its object")
        kind = groups[0]
        items = raw[kind]
        if not isinstance(items, list) or not items:
            raise ValidationFailed(f"{field}.{kind}", "a non-empty list of conditions")
        children = (_parse(item, f"{field}.{kind}[{i}]", depth + 1, counter) for i, item in enumerate(items))
        return Group(kind, tuple(children))
    unknown = sorted(set(raw) - {"path", *OPERATORS})
    if unknown:
        raise ValidationFailed(
            field, f"unknown key(s) {unknown}; a condition has 'path' and one of {list(OPERATORS)}, or and/or"
        )
    segments = parse_path(raw.get("path"), f"{field}.path")
    ops = [op for op in OPERATORS if op in raw]
    if len(ops) != 1:
        raise ValidationFailed(field, f"exactly one operator of {list(OPERATORS)}")
    op = ops[0]
    value = raw[op]
    where = f"{field}.{op}"
    if op in COMPARISONS and not _is_number(value):
        raise ValidationFailed(where, "a number")
    if op == "exists" and not isinstance(value, bool):
        raise ValidationFailed(where, "true or false")
    if op == "in" and (not isinstance(value, list) or not value or len(value) > MAX_IN_VALUES):
        raise ValidationFailed(where, f"a non-empty list of at most {MAX_IN_VALUES} values")
    return Test(segments, op, value)


def parse_path(path: Any, field: str) -> tuple[str, ...]:
    """A payload path (filters' and ordering keys'): dot-separated segments; a
    :class:`ValidationFailed` naming ``field`` otherwise."""
    if not isinstance(path, str) or not path or len(path) > 255:
        raise ValidationFailed(field, "a dot-separated path into the payload, e.g. 'order.total'")
    segments = tuple(path.split("."))
    if len(segments) > MAX_PATH_SEGMENTS or "" in segments:
        raise ValidationFailed(field, f"at most {MAX_PATH_SEGMENTS} non-empty segments")
    return segments


def value_at(payload: Any, path: tuple[str, ...]) -> tuple[bool, Any]:
    """``(True, value)`` at ``path`` in ``payload``, or ``(False, None)`` where it is missing."""
    value = _lookup(payload, path)
    return (False, None) if value is _MISSING else (True, value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _lookup(payload: Any, path: tuple[str, ...]) -> Any:
    here = payload
    for segment in path:
        if isinstance(here, dict) and segment in here:
            here = here[segment]
        elif isinstance(here, list) and segment.isdigit() and int(segment) < len(here):
            here = here[int(segment)]
        else:
            return _MISSING
    return here


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: numbers by value, but a boolean is never a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if _is_number(a) and _is_number(b):
        return bool(a == b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def _holds(test: Test, value: Any) -> bool:
    if test.op == "exists":
        return (value is not _MISSING) is test.value
    if value is _MISSING:
        return test.op == "ne"
    if test.op == "eq":
        return _equal(value, test.value)
    if test.op == "ne":
        return not _equal(value, test.value)
    if test.op == "in":
        return any(_equal(value, option) for option in test.value)
    if not _is_number(value):
        return False
    if test.op == "gt":
        return bool(value > test.value)
    if test.op == "gte":
        return bool(value >= test.value)
    if test.op == "lt":
        return bool(value < test.value)
    return bool(value <= test.value)


def _show(value: Any) -> str:
    text = "missing" if value is _MISSING else orjson.dumps(value).decode()
    return text if len(text) <= 80 else text[:77] + "..."


def explain_miss(condition: Condition, payload: Any) -> str | None:
    """``None`` when ``payload`` matches, else why not (for the event's record)."""
    if isinstance(condition, Test):
        value = _lookup(payload, condition.path)
        if _holds(condition, value):
            return None
        path = ".".join(condition.path)
        return f"{path} {condition.op} {_show(condition.value)} is false ({path} is {_show(value)})"
    if condition.kind == "and":
        for child in condition.children:
            reason = explain_miss(child, payload)
            if reason is not None:
                return reason
        return None
    reasons = []
    for child in condition.children:
        reason = explain_miss(child, payload)
        if reason is None:
            return None
        reasons.append(reason)
    return "none of: " + "; ".join(reasons)


@lru_cache(maxsize=1024)
def _compiled(text: str) -> Condition:
    return parse(orjson.loads(text))


def stored(raw: Any) -> Condition:
    """A filter read back from the database (validated when it was stored), parsed once."""
    return _compiled(orjson.dumps(raw, option=orjson.OPT_SORT_KEYS).decode())
