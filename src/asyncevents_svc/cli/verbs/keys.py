"""``keys create|list|revoke``: API keys for operators who have no key yet, or a script.

``create`` prints the new key once, alone on stdout (its description goes to stderr), so
``KEY=$(asyncevents-svc keys create ...)`` captures exactly the key.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from typing import TextIO

from sqlalchemy import select

from asyncevents_svc.auth.keys import create_key, revoke_key
from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.cli.database import open_database
from asyncevents_svc.cli.output import emit, table
from asyncevents_svc.db.models import ApiKey
from asyncevents_svc.errors import NotFound, ValidationFailed
from asyncevents_svc.settings import Settings

KEY_COLUMNS = [
    ("id", "id"),
    ("prefix", "prefix"),
    ("state", "state"),
    ("name", "name"),
    ("scopes", "scopes"),
]


def keys(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(
        manage_keys(
            settings, args.action, name=args.name, scopes=args.scope, key_id=args.id, as_json=args.json
        )
    )


async def manage_keys(
    settings: Settings,
    action: str,
    *,
    name: str | None,
    scopes: list[str] | None,
    key_id: uuid.UUID | None,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """``keys create`` prints the new key once; ``keys list``; ``keys revoke --id``."""
    async with open_database(settings) as sessions, sessions() as session:
        if action == "create":
            if not name or not scopes:
                raise ValidationFailed("scope", "keys create needs --name and at least one --scope")
            resources = load_catalogue(settings.events_file).resources()
            row, key = await create_key(session, name=name, scopes=scopes, resources=resources)
            await session.commit()
            print(f"created key {row.id} ({row.name}; {', '.join(row.scopes)})", file=sys.stderr)
            # alone on stdout, so scripts can capture it
            emit({"id": str(row.id), "name": row.name, "key": key}, as_json=as_json, text=key, out=out)
        elif action == "list":
            rows = [
                {
                    "id": str(row.id),
                    "prefix": row.prefix,
                    "state": "revoked" if row.revoked_at else "active",
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
