"""The fields a query may name, and what kind of value each takes.

This is the language's side of a field (which values it accepts, checked by
:mod:`.values`); the column it reads is the compiler's business (:mod:`.compiler`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypeAlias

from asyncevents_svc.deliveries.search.errors import SearchError
from asyncevents_svc.deliveries.search.syntax import Path

Kind: TypeAlias = Literal["text", "uuid", "status", "success", "int", "time", "data"]

FIELDS: dict[str, Kind] = {
    "event_name": "text",
    "uuid": "uuid",
    "event_id": "uuid",
    "status": "status",
    "success": "success",
    "subscription_id": "int",
    "store_id": "int",
    "status_code": "int",
    "notifier": "text",
    "created_at": "time",
    "last_attempt_at": "time",
    "first_attempt_at": "time",
    "next_attempt_at": "time",
    "expires_at": "time",
    "received_at": "time",
}
_KNOWN = ", ".join([*FIELDS, "data.<path>"])
_PATH_PUNCTUATION = frozenset("_-$@")
#: A path segment that indexes an array (others, like ``01``, are object keys).
_ARRAY_INDEX = re.compile(r"0|[1-9]\d{0,8}", re.ASCII)


@dataclass(frozen=True)
class Field:
    """A field as written in a query (``name`` before the colon) and where it starts."""

    name: str
    kind: Kind
    position: int
    path: Path = ()


def field(name: str, position: int) -> Field:
    """The field ``name`` (written at ``position``); raises :class:`SearchError` if unknown."""
    head, dot, rest = name.partition(".")
    if head == "data":
        if not dot:
            raise SearchError("'data' needs a path, as in data.customer.email", position)
        return Field(name, "data", position, _path(name, rest, position + len(head) + 1))
    kind = FIELDS.get(name)
    if kind is None:
        raise SearchError(f"unknown field '{name}' (known fields: {_KNOWN})", position)
    return Field(name, kind, position)


def _path(name: str, rest: str, offset: int) -> Path:
    path: list[str | int] = []
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
    return tuple(path)
