"""``deliveries`` (the table, newest first) and ``replay`` (one delivery, or every match of
a filter in batches with a progress bar, or only a count with ``--dry-run``).

Both filter as ``GET /v1/deliveries`` does and are bounded by the same search time budget
(``ASYNCEVENTS_SECURITY__SEARCH_TIMEOUT``): an operator's query costs the database as much
as an API caller's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from typing import TextIO

from asyncevents_svc.cli.database import open_database
from asyncevents_svc.cli.output import Progress, emit, table
from asyncevents_svc.deliveries import queries, replays
from asyncevents_svc.deliveries.service import DeliveryFilter, count_replayable, replay_one
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.settings import Settings

DELIVERY_COLUMNS = [
    ("created_at", "created"),
    ("id", "id"),
    ("event_name", "event"),
    ("subscription_id", "sub"),
    ("status", "status"),
    ("attempt_count", "attempts"),
    ("last_status_code", "code"),
    ("summary", "summary"),
]


def criteria_of(args: argparse.Namespace, statuses: tuple[str, ...]) -> DeliveryFilter:
    """The filter options (see :func:`asyncevents_svc.cli.parser.build_parser`) as the
    service's filter; ``statuses`` when no ``--status`` was given."""
    return DeliveryFilter(
        event_name=args.event_name,
        subscription_id=args.subscription_id,
        status=tuple(args.status or statuses),
        since=args.since,
        until=args.until,
        q=args.query,
    )


def deliveries(settings: Settings, args: argparse.Namespace) -> int:
    criteria = criteria_of(args, ())
    return asyncio.run(list_deliveries(settings, criteria=criteria, limit=args.limit, as_json=args.json))


def replay(settings: Settings, args: argparse.Namespace) -> int:
    criteria = criteria_of(args, (DeliveryStatus.DEAD,))
    return asyncio.run(
        replay_deliveries(
            settings, delivery_id=args.delivery_id, criteria=criteria, dry_run=args.dry_run, as_json=args.json
        )
    )


async def list_deliveries(
    settings: Settings,
    *,
    criteria: DeliveryFilter,
    limit: int,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Deliveries, newest first, filtered as ``GET /v1/deliveries`` filters them."""
    async with open_database(settings) as sessions, sessions() as session:
        items, _ = await queries.page(session, criteria, None, limit, budget=settings.security.search_timeout)
    rows = [item.model_dump() for item in items]
    emit(rows, as_json=as_json, text=table(rows, DELIVERY_COLUMNS), out=out)
    return 0


async def replay_deliveries(
    settings: Settings,
    *,
    delivery_id: uuid.UUID | None,
    criteria: DeliveryFilter,
    dry_run: bool,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Replay one delivery, or every match of ``criteria`` in batches with a progress bar."""
    budget = settings.security.search_timeout  # the operator's searches are bounded as the API's
    async with open_database(settings) as sessions:
        if delivery_id is not None:
            async with sessions() as session:
                await replay_one(session, delivery_id)
                await session.commit()
            text = f"replaying {delivery_id}: a worker sends it on its next scan"
            emit({"replayed": [str(delivery_id)]}, as_json=as_json, text=text, out=out)
            return 0
        if dry_run:
            async with sessions() as session:
                count = (await count_replayable(session, criteria, budget=budget, cap=None)).value
            emit(
                {"dry_run": True, "count": count},
                as_json=as_json,
                text=f"{count} deliveries would be replayed",
                out=out,
            )
            return 0
        async with sessions() as session:
            job = await replays.create_job(session, criteria, budget=budget)
            await session.commit()
        bar = Progress("replaying")
        await replays.run_job(sessions, job.id, budget=budget, progress=bar)
        bar.close()
        async with sessions() as session:
            finished = await session.get(type(job), job.id)
            replayed = finished.replayed if finished else 0
        text = f"replay {job.id}: {replayed} deliveries queued for sending"
        emit({"job": str(job.id), "replayed": replayed}, as_json=as_json, text=text, out=out)
        return 0
