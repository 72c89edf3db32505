"""Idempotency keys: whose a key is (its scope) and what it stands for (its fingerprint).

A key is unique only within its scope, so one producer can never answer for another: the
same key sent by two callers is two events, and neither learns of the other's. The scope
is computed here and nowhere else: an operator key's scope is the key (``key:<key id>``);
a key bound to an application has its application's (``app:<application id>``), so that two
keys of one application (a rotation, two producers of one integration) share their keys,
and two applications never do. Magento's publisher has no API key: its messages share the
fixed scope :data:`MAGENTO`. Keys stored before scopes existed were given :data:`LEGACY`
by migration 0010 (their caller was never recorded), which no request ever matches.

The fingerprint is a SHA-256 of the event as its producer described it (name, store id,
arguments) in canonical JSON: sorted keys, no whitespace, values as sent. A repeat is the
same event when the fingerprints are equal. Fingerprinting our own bytes before storage,
rather than comparing with the stored row, keeps the answer independent of how a database
normalises JSON (JSONB rewrites ``1.5e300`` as a 301-digit integer), needs neither the
original's arguments (up to megabytes) nor Python's ``==`` (``True == 1 == 1.0``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from asyncevents_svc.auth.keys import Caller

MAGENTO = "magento"
LEGACY = "legacy"


@dataclass(frozen=True)
class Claim:
    """An event's idempotency key, the scope it is unique in, and the event's fingerprint."""

    scope: str
    key: str
    fingerprint: str

    @property
    def slot(self) -> tuple[str, str]:
        """What the unique index holds: one event per (scope, key)."""
        return self.scope, self.key


MAX_KEY_LENGTH = 255  # the column's size


def magento_key(message_id: str | None) -> str | None:
    """The idempotency key of a Magento message: ``amqp:<message_id>``, or, for an id that
    does not fit the column (AMQP allows 255 bytes, and the prefix adds five) or holds a
    character the database cannot store (NUL), ``amqp:sha256:<hex of the id>`` -- still one
    key per id, so a redelivery stays one event, and never a message that cannot be stored."""
    if not message_id:
        return None
    key = f"amqp:{message_id}"
    if len(key) <= MAX_KEY_LENGTH and "\x00" not in key and not key.startswith("amqp:sha256:"):
        return key
    return "amqp:sha256:" + hashlib.sha256(message_id.encode("utf-8", "surrogatepass")).hexdigest()


def of_caller(caller: Caller) -> str:
    """The scope of the keys an API caller sends: its application's, or its own key's."""
    if caller.application_id is not None:
        return f"app:{caller.application_id}"
    return f"key:{caller.key_id}"


def fingerprint(
    *, name: str, store_id: int, arguments: Mapping[str, Any], application_id: int | None = None
) -> str:
    """SHA-256 (hex) of the event's canonical JSON.

    A field that events gain later should join the dictionary only when it is set, so that
    the fingerprints of events without it, stored before, stay the same: the application
    an event is published to is one (the same key for another application is a conflict).
    """
    content: dict[str, Any] = {"event_name": name, "store_id": store_id, "arguments": arguments}
    if application_id is not None:
        content["application_id"] = application_id
    try:
        canonical = orjson.dumps(content, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:
        # Integers beyond 64 bits, which FastAPI's parser keeps and orjson cannot write. The
        # same value always takes the same branch, so equal events still hash equal.
        canonical = json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode()
    return hashlib.sha256(canonical).hexdigest()
