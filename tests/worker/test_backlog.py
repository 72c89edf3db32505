"""A backlog drains at the worker's sending rate, not one scheduler batch per scan.

A receiver down for a day leaves its deliveries due all at once. The scheduler claims
batch after batch while they come back full (and, for a backed-up subscription, as its
line moves), so with a batch of 20 and a scan a second, 600 due deliveries to one fast
endpoint take a few seconds, not the 30 s of one batch per scan.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import event, insert, text

from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.models import Delivery
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import repository as deliveries
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import subscribe
from tests.support.plans import rows_read_by_sql
from tests.support.receiver import Receiver
from tests.support.rows import stored_event

StartWorker = Callable[..., Awaitable[Worker]]
DUE = 600
BATCH = 20


async def due_deliveries(runtime: Runtime, subscription_id: int, n: int) -> None:
    """``n`` deliveries of one event, due now: what a day of a receiver's outage leaves."""
    now = utcnow()
    event_id = await stored_event(runtime, payload={"backlog": True}, status="dispatched", dispatched_at=now)
    rows = [
        {
            "id": uuid.uuid4(),
            "event_id": event_id,
            "subscription_id": subscription_id,
            "notifier": "http",
            "status": "retrying",
            "attempts": 1,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for _ in range(n)
    ]
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(Delivery), rows)


async def test_a_backlog_drains_faster_than_one_batch_per_scan(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver, start_worker: StartWorker
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    await due_deliveries(runtime, sub["subscription_id"], DUE)
    started = time.monotonic()

    await start_worker(worker={"scheduler_batch": BATCH, "poll_interval": 1.0})
    await receiver.wait_for(DUE, timeout=60)

    seconds = time.monotonic() - started
    one_batch_a_scan = DUE / BATCH
    assert seconds < one_batch_a_scan / 3, f"{DUE} due deliveries took {seconds:.1f} s"


@pytest.mark.postgres
async def test_a_claim_that_leaves_out_a_backed_up_subscription_never_reads_its_backlog(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver
) -> None:
    # A day of one endpoint's deliveries waits in the database, due before anything else;
    # its line in this worker is full, so the claim leaves it out. What the claim reads
    # must not grow with that backlog (at 10 M deliveries it was a million rows a claim).
    down = await subscribe(api, f"{receiver.url}/down", event="example.ping")
    healthy = await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    await due_deliveries(runtime, down["subscription_id"], 5_000)
    await due_deliveries(runtime, healthy["subscription_id"], 3)
    async with runtime.engine.begin() as connection:
        await connection.execute(text("ANALYZE deliveries"))
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "deliveries" in statement and statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
            statements.append((statement, parameters))

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", capture)
    try:
        claim = await deliveries.claim_due(runtime.sessions, Lease(60), 200, skip=[down["subscription_id"]])
    finally:
        event.remove(runtime.engine.sync_engine, "before_cursor_execute", capture)

    assert claim.claimed == 3
    assert {job.subscription_id for job in claim.jobs} == {healthy["subscription_id"]}
    await deliveries.release(runtime.sessions, [job.delivery_id for job in claim.jobs])
    read = await rows_read_by_sql(runtime.engine, statements)
    assert read < 500, f"the claim read {read} rows beside a backlog of 5,000"
