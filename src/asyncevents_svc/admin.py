"""Operator verbs of the CLI: replay and clean-up, run directly against the database."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime
from typing import TextIO

from sqlalchemy import func, select

from asyncevents_svc.auth.keys import create_key
from asyncevents_svc.catalogue.loader import load_catalogue
from asyncevents_svc.crypto import cipher_from_settings
from asyncevents_svc.db.engine import create_engine, session_factory
from asyncevents_svc.db.models import ApiKey, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import replays, retention
from asyncevents_svc.deliveries.service import DeliveryFilter, count_replayable, replay_one
from asyncevents_svc.errors import NotFound, ValidationFailed
from asyncevents_svc.settings import RetentionSettings, Settings


class ProgressBar:
    """A one-line text progress bar on a terminal stream (plain lines when not a TTY)."""

    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.label = label
        self.stream = stream
        self.width = width

    def __call__(self, done: int, total: int) -> None:
        total = max(total, done, 1)
        filled = int(self.width * done / total)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"{self.label} [{bar}] {done}/{total}"
        if self.stream.isatty():
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.stream.isatty():
            self.stream.write("\n")


async def replay(
    settings: Settings,
    *,
    delivery_id: uuid.UUID | None,
    criteria: DeliveryFilter,
    dry_run: bool,
    out: TextIO = sys.stdout,
) -> int:
    """Replay one delivery, or every match of ``criteria`` in batches with a progress bar."""
    engine = create_engine(settings)
    sessions = session_factory(engine)
    try:
        if delivery_id is not None:
            async with sessions() as session:
                await replay_one(session, delivery_id)
                await session.commit()
            print(f"replaying {delivery_id}: a worker sends it on its next scan", file=out)
            return 0
        if dry_run:
            async with sessions() as session:
                count = await count_replayable(session, criteria)
            print(f"{count} deliveries would be replayed", file=out)
            return 0
        async with sessions() as session:
            job = await replays.create_job(session, criteria)
            await session.commit()
        bar = ProgressBar("replaying")
        await replays.run_job(sessions, job.id, progress=bar)
        bar.close()
        async with sessions() as session:
            finished = await session.get(type(job), job.id)
            replayed = finished.replayed if finished else 0
        print(f"replay {job.id}: {replayed} deliveries queued for sending", file=out)
        return 0
    finally:
        await engine.dispose()


async def cleanup(settings: Settings, *, days: float | None, out: TextIO = sys.stdout) -> int:
    """Apply the retention period now (``days`` overrides the setting)."""
    policy = settings.retention if days is None else RetentionSettings(days=days)
    engine = create_engine(settings)
    removed_so_far = 0

    def on_batch(count: int) -> None:
        nonlocal removed_so_far
        removed_so_far += count
        if count:
            print(f"deleted {removed_so_far} rows so far", file=sys.stderr)

    try:
        removed = await retention.clean_up(session_factory(engine), policy, on_batch=on_batch)
    finally:
        await engine.dispose()
    print(
        f"removed {removed.attempts} attempts, {removed.deliveries} deliveries, "
        f"{removed.events} events older than {policy.days:g} days",
        file=out,
    )
    return 0


async def reencrypt(settings: Settings, *, batch: int = 200, out: TextIO = sys.stdout) -> int:
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
        bar = ProgressBar("re-encrypting")
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
    print(f"re-encrypted {done} subscriptions under the first key", file=out)
    return 0


async def keys(
    settings: Settings,
    action: str,
    *,
    name: str | None,
    scopes: list[str] | None,
    key_id: uuid.UUID | None,
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
                print(key, file=out)  # alone on stdout, so scripts can capture it
            elif action == "list":
                for row in await session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
                    state = "revoked" if row.revoked_at else "active"
                    print(f"{row.id}  {row.prefix}  {state:8} {row.name}  {','.join(row.scopes)}", file=out)
            else:
                found = await session.get(ApiKey, key_id) if key_id else None
                if found is None:
                    raise NotFound(f"API key {key_id} does not exist")
                found.revoked_at = found.revoked_at or utcnow()
                await session.commit()
                print(f"revoked {found.id}", file=out)
    finally:
        await engine.dispose()
    return 0


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    return moment
