"""The ingest floor: the least durable work ``POST /v1/events`` must do, with nothing else.

A minimal FastAPI app that validates the same body (the route's own :class:`EventIn`, so
the same pydantic checks), inserts the same row into the same ``events`` table (a database
migrated by ``asyncevents-svc migrate``: the same columns and indexes) with asyncpg, and
answers 202 with the same :class:`EventAccepted` only once the row is committed. Like
``events/committer.py``, concurrent requests share one ``INSERT … ON CONFLICT DO NOTHING
RETURNING id`` and one COMMIT (two committer tasks: while one commits, the other collects
the next group). No key check, no limits middleware, no catalogue, no SQLAlchemy, no
broker hint: what our single-event ingest costs beyond this is what the service adds.
Served by uvicorn exactly as ``asyncevents-svc api`` serves the real one.

    python -m bench.ingest_floor PORT POSTGRES_DSN
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import uvicorn
from fastapi import FastAPI, status

from asyncevents_svc.events.schemas import EventAccepted, EventIn
from asyncevents_svc.settings import Settings

MAX_EVENTS = 2000  # per transaction, as events/committer.py
COMMITTERS = 2

INSERT = """
INSERT INTO events (id, name, arguments, store_id, source, status, received_at)
SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::jsonb[], $4::int[], $5::varchar[],
                     $6::varchar[], $7::timestamptz[])
ON CONFLICT DO NOTHING
RETURNING id
"""


@dataclass(frozen=True)
class Row:
    id: uuid.UUID
    name: str
    arguments: str  # JSON text, cast to jsonb by the statement
    store_id: int


class GroupCommit:
    """Requests queue their row and wait; a committer inserts every queued row in one
    statement and one transaction, then wakes them all."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.queue: list[tuple[Row, asyncio.Future[datetime]]] = []
        self.arrived = asyncio.Event()
        self.tasks = [asyncio.create_task(self.run()) for _ in range(COMMITTERS)]

    async def store(self, row: Row) -> datetime:
        done: asyncio.Future[datetime] = asyncio.get_running_loop().create_future()
        self.queue.append((row, done))
        self.arrived.set()
        return await done

    async def run(self) -> None:
        while True:
            await self.arrived.wait()
            group, self.queue = self.queue[:MAX_EVENTS], self.queue[MAX_EVENTS:]
            if not self.queue:
                self.arrived.clear()
            if not group:
                continue
            now = datetime.now(UTC)
            rows = [row for row, _ in group]
            try:
                async with self.pool.acquire() as connection, connection.transaction():
                    await connection.fetch(
                        INSERT,
                        [r.id for r in rows],
                        [r.name for r in rows],
                        [r.arguments for r in rows],
                        [r.store_id for r in rows],
                        ["http"] * len(rows),
                        ["accepted"] * len(rows),
                        [now] * len(rows),
                    )
            except Exception as exc:
                for _, done in group:
                    done.set_exception(exc)
                continue
            for _, done in group:
                done.set_result(now)


def create_app(dsn: str) -> FastAPI:
    state: dict[str, Any] = {}

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> Any:
        size = Settings.model_fields["database_pool_size"].default  # the service's pool size
        pool = await asyncpg.create_pool(dsn, min_size=size, max_size=size)
        state["commit"] = GroupCommit(pool)
        yield
        await pool.close()

    app = FastAPI(lifespan=lifespan)

    @app.post("/v1/events", status_code=status.HTTP_202_ACCEPTED, response_model=EventAccepted)
    async def publish(body: EventIn) -> EventAccepted:
        row = Row(uuid.uuid4(), body.event_name, orjson.dumps(body.arguments).decode(), body.store_id)
        received_at = await state["commit"].store(row)
        return EventAccepted(
            id=row.id, event_name=row.name, status="accepted", received_at=received_at, duplicate=False
        )

    return app


if __name__ == "__main__":
    uvicorn.run(
        create_app(sys.argv[2]), host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False
    )
