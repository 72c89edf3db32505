"""Operator verbs of the CLI: replay and clean-up, run directly against the database."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime
from typing import TextIO

from asyncevents_svc.db.engine import create_engine, session_factory
from asyncevents_svc.deliveries import replays, retention
from asyncevents_svc.deliveries.service import DeliveryFilter, count_replayable, replay_one
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


def parse_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} needs a time zone (e.g. 2026-01-01T00:00:00Z)")
    return moment
