"""``keys create|list|revoke``: API keys for operators who have no key yet, or a script.

``create --expires`` sets the key's ``expires_at``; key verification refuses a key past it
(:class:`asyncevents_svc.auth.keys.KeyVerifier`), the API answers 401.

``create`` prints the new key once, alone on stdout (its description goes to stderr), so
``KEY=$(asyncevents-svc keys create ...)`` captures exactly the key.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from datetime import datetime
from typing import TextIO

from sqlalchemy import select

from asyncevents_svc.auth.keys import create_key, revoke_key
from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.cli.database import open_database
from asyncevents_svc.cli.output import emit, table
from asyncevents_svc.db.models import ApiKey
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import NotFound, ValidationFailed
from asyncevents_svc.settings import Settings

KEY_COLUMNS = [
    ("id", "id"),
    ("prefix", "prefix"),
    ("state", "state"),
    ("name", "name"),
    ("scopes", "scopes"),
    ("expires_at", "expires"),
]


def state_of(row: ApiKey, now: datetime) -> str:
    if row.revoked_at:
        return "revoked"
    return "expired" if row.expires_at is not None and row.expires_at <= now else "active"


def keys(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(
        manage_keys(
            settings,
            args.action,
            name=getattr(args, "name", None),
            scopes=getattr(args, "scope", None),
            expires_at=getattr(args, "expires", None),
            key_id=getattr(args, "id", None),
            as_json=args.json,
        )
    )


async def manage_keys(
    settings: Settings,
    action: str,
    *,
    name: str | None,
    scopes: list[str] | None,
    key_id: uuid.UUID | None,
    expires_at: datetime | None = None,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """``keys create`` prints the new key once; ``keys list``; ``keys revoke --id``."""
    async with open_database(settings) as sessions, sessions() as session:
        if action == "create":
            if not name or not scopes:
                raise ValidationFailed("scope", "keys create needs --name and at least one --scope")
            resources = load_catalogue(settings.events_file).resources()
            row, key = await create_key(
                session, name=name, scopes=scopes, resources=resources, expires_at=expires_at
            )
            await session.commit()
            until = f"; expires {row.expires_at:%Y-%m-%d %H:%M:%S} UTC" if row.expires_at else ""
            print(f"created key {row.id} ({row.name}; {', '.join(row.scopes)}{until})", file=sys.stderr)
            # alone on stdout, so scripts can capture it
            created = {"id": str(row.id), "name": row.name, "key": key, "expires_at": row.expires_at}
            emit(created, as_json=as_json, text=key, out=out)
        elif action == "list":
            now = utcnow()
            rows = [
                {
                    "id": str(row.id),
                    "prefix": row.prefix,
                    "state": state_of(row, now),
                    "name": row.name,
                    "scopes": list(row.scopes),
                    "created_at": row.created_at,
                    "expires_at": row.expires_at,
                }
                for row in await session.scalars(select(ApiKey).order_by(ApiKey.created_at))
            ]
            emit(rows, as_json=as_json, text=table(rows, KEY_COLUMNS), out=out)
        else:
            found = await revoke_key(session, key_id) if key_id else None
            if found is None:
                raise NotFound(f"API key {key_id} does not exist")
            await session.commit()
            emit({"revoked": str(found.id)}, as_json=as_json, text=f"revoked {found.id}", out=out)
    return 0
