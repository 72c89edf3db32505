"""Operator verbs of the CLI, run directly against the database: lists of subscriptions,
deliveries and keys; replay, clean-up and re-encryption with progress. Each prints a table
(or a line) for people and, with ``as_json``, one JSON document for scripts."""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import TextIO

from sqlalchemy import func, select

from asyncevents_svc.auth.keys import create_key, revoke_key
from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.cli.output import Progress, emit, table
from asyncevents_svc.crypto import cipher_from_settings
from asyncevents_svc.db.engine import SessionFactory, create_engine, session_factory
from asyncevents_svc.db.models import ApiKey, Subscription
from asyncevents_svc.deliveries import queries, replays, retention
from asyncevents_svc.deliveries.service import DeliveryFilter, count_replayable, replay_one
from asyncevents_svc.errors import NotFound, ValidationFailed
from asyncevents_svc.settings import RetentionSettings, Settings


async def replay(
    settings: Settings,
    *,
    delivery_id: uuid.UUID | None,
    criteria: DeliveryFilter,
    dry_run: bool,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Replay one delivery, or every match of ``criteria`` in batches with a progress bar."""
    engine = create_engine(settings)
    sessions = session_factory(engine)
    budget = settings.security.search_timeout  # the operator's searches are bounded as the API's
    try:
        if delivery_id is not None:
            async with sessions() as session:
                await replay_one(session, delivery_id)
                await session.commit()
            text = f"replaying {delivery_id}: a worker sends it on its next scan"
            emit({"replayed": [str(delivery_id)]}, as_json=as_json, text=text, out=out)
            return 0
        if dry_run:
            async with sessions() as session:
                count = await count_replayable(session, criteria, budget=budget)
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
    finally:
        await engine.dispose()


async def cleanup(
    settings: Settings, *, days: float | None, as_json: bool = False, out: TextIO = sys.stdout
) -> int:
    """Apply the retention period now (``days`` overrides the setting)."""
    policy = settings.retention if days is None else RetentionSettings(days=days)
    engine = create_engine(settings)
    removed_so_far = 0
    bar = Progress("rows deleted")  # the total is not known in advance: a running count

    def on_batch(count: int) -> None:
        nonlocal removed_so_far
        removed_so_far += count
        if count:
            bar(removed_so_far)

    try:
        removed = await retention.clean_up(session_factory(engine), policy, on_batch=on_batch)
    finally:
        await engine.dispose()
    if removed_so_far:
        bar.close()
    text = (
        f"removed {removed.attempts} attempts, {removed.deliveries} deliveries, "
        f"{removed.events} events older than {policy.days:g} days"
    )
    emit({**vars(removed), "days": policy.days}, as_json=as_json, text=text, out=out)
    return 0


async def reencrypt(
    settings: Settings, *, batch: int = 200, as_json: bool = False, out: TextIO = sys.stdout
) -> int:
    """Re-encrypt every stored secret under the first key of ``ASYNCEVENTS_ENCRYPTION_KEY``.

    Run it after putting a new key first (keep the old ones after it); once it has finished,
    the old keys can be removed.
    """
    cipher = cipher_from_settings(settings)
    engine = create_engine(settings)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
            total = int(await session.scalar(select(func.count()).select_from(Subscription)) or 0)
        bar = Progress("re-encrypting")
        done, last_id = 0, 0
        while True:
            async with sessions() as session, session.begin():
                rows = (
                    await session.scalars(
                        select(Subscription)
                        .where(Subscription.id > last_id)
                        .order_by(Subscription.id)
                        .limit(batch)
                    )
                ).all()
                for sub in rows:
                    sub.token_encrypted = cipher.rotate(sub.token_encrypted)
                    if sub.previous_token_encrypted:
                        sub.previous_token_encrypted = cipher.rotate(sub.previous_token_encrypted)
            if not rows:
                break
            done += len(rows)
            last_id = rows[-1].id
            bar(done, total)
        bar.close()
    finally:
        await engine.dispose()
    text = f"re-encrypted {done} subscriptions under the first key"
    emit({"reencrypted": done}, as_json=as_json, text=text, out=out)
    return 0


async def keys(
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
    engine = create_engine(settings)
    sessions = session_factory(engine)
    try:
        async with sessions() as session:
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
                columns = [
                    ("id", "id"),
                    ("prefix", "prefix"),
                    ("state", "state"),
                    ("name", "name"),
                    ("scopes", "scopes"),
                ]
                emit(rows, as_json=as_json, text=table(rows, columns), out=out)
            else:
                found = await revoke_key(session, key_id) if key_id else None
                if found is None:
                    raise NotFound(f"API key {key_id} does not exist")
                await session.commit()
                emit({"revoked": str(found.id)}, as_json=as_json, text=f"revoked {found.id}", out=out)
    finally:
        await engine.dispose()
    return 0


SUBSCRIPTION_COLUMNS = [
    ("id", "id"),
    ("event_name", "event"),
    ("metadata", "notifier"),
    ("recipient_url", "recipient"),
    ("store_id", "store"),
    ("status", "status"),
    ("subscribed_at", "subscribed"),
]
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


@asynccontextmanager
async def database(settings: Settings) -> AsyncIterator[SessionFactory]:
    """Sessions on the configured database for one verb; the engine is closed after it."""
    engine = create_engine(settings)
    try:
        yield session_factory(engine)
    finally:
        await engine.dispose()


async def list_subscriptions(
    settings: Settings,
    *,
    event_name: str | None,
    status: str | None,
    limit: int,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Subscriptions, oldest first (never their tokens or header values)."""
    query = select(Subscription).order_by(Subscription.id).limit(limit)
    if event_name:
        query = query.where(Subscription.event_name == event_name)
    if status:
        query = query.where(Subscription.status == status)
    async with database(settings) as sessions, sessions() as session:
        rows = [
            {
                "id": sub.id,
                "event_name": sub.event_name,
                "metadata": sub.notifier,
                "recipient_url": sub.recipient_url,
                "store_id": sub.store_id,
                "status": sub.status,
                "subscribed_at": sub.subscribed_at,
            }
            for sub in await session.scalars(query)
        ]
    emit(rows, as_json=as_json, text=table(rows, SUBSCRIPTION_COLUMNS), out=out)
    return 0


async def list_deliveries(
    settings: Settings,
    *,
    criteria: DeliveryFilter,
    limit: int,
    as_json: bool = False,
    out: TextIO = sys.stdout,
) -> int:
    """Deliveries, newest first, filtered as ``GET /v1/deliveries`` filters them."""
    async with database(settings) as sessions, sessions() as session:
        items, _ = await queries.page(session, criteria, None, limit, budget=settings.security.search_timeout)
    rows = [item.model_dump() for item in items]
    emit(rows, as_json=as_json, text=table(rows, DELIVERY_COLUMNS), out=out)
    return 0


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    return moment
