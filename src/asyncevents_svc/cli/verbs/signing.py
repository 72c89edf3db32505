"""``signing-keys list|rotate``: the service's Ed25519 keys for ``v1a`` signatures.

``rotate`` adds a key that signs first; the keys that signed until now keep signing (one
``v1a`` signature each) and stay published at ``GET /v1/signing-keys`` for the overlap
(``--overlap``, default ``security.signing_key_overlap``), then are retired. Workers see the
new key within ``security.signing_key_refresh`` seconds. Only public parts are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from typing import Any, TextIO

from asyncevents_svc.cli.database import open_database
from asyncevents_svc.cli.output import emit, table
from asyncevents_svc.crypto import cipher_from_settings
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.settings import Settings
from asyncevents_svc.signing.keyring import ActiveKey, Keyring

COLUMNS = [
    ("kid", "kid"),
    ("generation", "generation"),
    ("state", "state"),
    ("created_at", "created"),
    ("retires_at", "retires"),
]


def signing_keys(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(
        manage_signing_keys(settings, args.action, overlap=getattr(args, "overlap", None), as_json=args.json)
    )


def described(key: ActiveKey, now: datetime) -> dict[str, Any]:
    return {
        "kid": key.kid,
        "generation": key.generation,
        "state": "active" if key.active(now) else "retired",
        "created_at": key.created_at,
        "retires_at": key.retires_at,
        "jwk": key.jwk(),
    }


async def manage_signing_keys(
    settings: Settings,
    action: str,
    *,
    overlap: float | None = None,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    cipher = cipher_from_settings(settings)
    async with open_database(settings) as sessions:
        keyring = Keyring(sessions, cipher, settings.security)
        if action == "rotate":
            new, previous = await keyring.rotate(overlap)
            now = utcnow()
            result = {"new": described(new, now), "retiring": [described(key, now) for key in previous]}
            until = ", ".join(f"{key.kid} until {key.retires_at:%Y-%m-%d %H:%M:%S} UTC" for key in previous)
            text = f"new signing key {new.kid}" + (f"; still signing: {until}" if until else "")
            emit(result, as_json=as_json, text=text, out=out)
        else:
            now = utcnow()
            rows = [described(key, now) for key in await keyring.listing()]
            emit(rows, as_json=as_json, text=table(rows, COLUMNS), out=out)
    return 0
