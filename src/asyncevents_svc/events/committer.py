"""Group commit for ingest: concurrent requests share one INSERT and one COMMIT.

Each request hands its validated events to :meth:`GroupCommitter.store` and waits. One
committer task takes whatever is queued (up to ``MAX_EVENTS``), inserts it in one
statement, commits, and answers every waiting request; what arrives meanwhile is the next
group. A lone request is not delayed (nothing waits for a group to fill). There used to be
two committers, so that one could start while the other committed; but the second then
took whatever had just arrived, groups stayed small, and a group's fixed cost (a session,
BEGIN, the ORM insert's setup, COMMIT) is most of an event's commit path. With one, at 32
concurrent single POSTs: half the transactions (~16 events each instead of ~10) and 0.50 to
0.53 ms of API CPU a request instead of 0.56 (issue 17 point 6, bench/RESULTS.md).

The promise is unchanged: a request returns only after the transaction holding its events
has committed, and if that transaction fails, every request in it fails (503 while the
database is away).
"""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import func, select

from asyncevents_svc.batching import take_whole
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.events.service import Ingested, NewEvent, StoredEvent, store
from asyncevents_svc.observability.metrics import Metrics

MAX_EVENTS = 2000  # per transaction
COMMITTERS = 1  # see the module docstring

Waiting = tuple[list[NewEvent], asyncio.Future[list[Ingested]]]


class GroupCommitter:
    def __init__(
        self, sessions: SessionFactory, notify_channel: str | None = None, *, metrics: Metrics | None = None
    ) -> None:
        """``notify_channel``: PostgreSQL channel to NOTIFY in each group's transaction
        (delivered at commit), so workers on the database queue wake up at once."""
        self.sessions = sessions
        self.notify_channel = notify_channel
        self.metrics = metrics
        self._queue: list[Waiting] = []
        self._arrived = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def store(self, events: list[NewEvent]) -> list[Ingested]:
        """Insert ``events`` and return once they are committed (in request order)."""
        if not self._tasks:
            self._tasks = [asyncio.create_task(self._run(), name="group-commit") for _ in range(COMMITTERS)]
        done: asyncio.Future[list[Ingested]] = asyncio.get_running_loop().create_future()
        self._queue.append((events, done))
        self._arrived.set()
        return await done

    async def _run(self) -> None:
        while True:
            await self._arrived.wait()
            group = take_whole(self._queue, MAX_EVENTS)
            if not self._queue:
                self._arrived.clear()
            if not group:
                continue
            try:
                async with self.sessions() as session:
                    stored = await store(session, [e for events, _ in group for e in events])
                    new = [s for s in stored if isinstance(s, StoredEvent) and not s.duplicate]
                    if self.notify_channel and new:
                        await session.execute(select(func.pg_notify(self.notify_channel, "")))
                    await session.commit()
            except Exception as exc:
                for _, done in group:
                    if not done.done():
                        done.set_exception(exc)
                continue
            if self.metrics is not None:
                for saved in new:
                    self.metrics.events_accepted.labels(saved.name).inc()
            offset = 0
            for events, done in group:
                if not done.done():
                    done.set_result(stored[offset : offset + len(events)])
                offset += len(events)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
