"""``subscriptions``: the table of subscriptions (never their tokens or header values)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from asyncevents_svc.applications import service as applications
from asyncevents_svc.cli.database import open_database
from asyncevents_svc.cli.output import emit, table
from asyncevents_svc.settings import Settings
from asyncevents_svc.subscriptions import queries

SUBSCRIPTION_COLUMNS = [
    ("id", "id"),
    ("application", "application"),
    ("event_name", "event"),
    ("metadata", "notifier"),
    ("recipient_url", "recipient"),
    ("store_id", "store"),
    ("status", "status"),
    ("subscribed_at", "subscribed"),
]


def subscriptions(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(
        list_subscriptions(
            settings,
            event_name=args.event_name,
            status=args.status,
            limit=args.limit,
            application=args.application,
            as_json=args.json,
        )
    )


async def list_subscriptions(
    settings: Settings,
    *,
    event_name: str | None,
    status: str | None,
    limit: int,
    application: str | None = None,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Subscriptions, oldest first (never their tokens or header values), through the query
    the API's listing uses, of one application (its uid) or all; an empty ``--event-name``
    means no filter, as it always has."""
    wanted = {"event_name": event_name or None, "status": status or None}
    async with open_database(settings) as sessions, sessions() as session:
        only = None
        if application:
            found = await applications.find(session, application)
            if found is None:
                print(f"asyncevents-svc: no application {application!r}", file=sys.stderr)
                return 2
            only = found.id
        subs = await queries.find(session, filters=wanted, after_id=None, limit=limit, application_id=only)
        uids = await applications.uids(session, {sub.application_id for sub in subs})
        rows = [
            {
                "id": sub.id,
                "application": uids.get(sub.application_id, str(sub.application_id)),
                "event_name": sub.event_name,
                "metadata": sub.notifier,
                "recipient_url": sub.recipient_url,
                "store_id": sub.store_id,
                "status": sub.status,
                "subscribed_at": sub.subscribed_at,
            }
            for sub in subs
        ]
    emit(rows, as_json=as_json, text=table(rows, SUBSCRIPTION_COLUMNS), out=out)
    return 0
