"""Opaque cursors for lists in id order: ``<kind>:<last id>``, base64url without padding.

The kind keeps one list's cursor from being taken for another's (a 422 naming ``cursor``).
"""

from __future__ import annotations

import base64

from asyncevents_svc.errors import ValidationFailed


def encode_id(kind: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{last_id}".encode()).decode().rstrip("=")


def decode_id(kind: str, cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        found, _, value = raw.partition(":")
        if found != kind or not value.isdigit():
            raise ValueError(found)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("cursor", "not a cursor returned by this API") from None
