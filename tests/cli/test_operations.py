"""Operator tools and crash recovery: retention, CLI replay, retries surviving SIGKILL."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from asyncevents_svc.db.models import Attempt, Delivery, Event
from asyncevents_svc.deliveries.retention import clean_up
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import RetentionSettings, Settings
from tests.support import processes
from tests.support.helpers import eventually, publish, subscribe
from tests.support.receiver import Receiver
from tests.support.rows import NOW, aged_delivery, count


async def counts(runtime: Runtime) -> tuple[int, int, int]:
    return (await count(runtime, Event), await count(runtime, Delivery), await count(runtime, Attempt))


async def test_retention_deletes_exactly_the_rows_past_the_cutoff(runtime: Runtime) -> None:
    old = [await aged_delivery(runtime, age_days=31) for _ in range(3)]
    young = [await aged_delivery(runtime, age_days=29) for _ in range(2)]
    still_retrying = await aged_delivery(runtime, age_days=40, status="retrying")

    removed = await clean_up(runtime.sessions, RetentionSettings(days=30, batch_size=2), now=NOW)

    # Old attempts go (3 finished + 1 still retrying, 2 each); finished old deliveries and
    # their events go; the retrying delivery and its event stay.
    assert (removed.attempts, removed.deliveries, removed.events) == (8, 3, 3)
    assert await counts(runtime) == (3, 3, 4)
    async with runtime.sessions() as session:
        left = set((await session.scalars(select(Delivery.id))).all())
    assert left == {*young, still_retrying}
    assert not left & set(old)


async def test_retention_of_zero_days_keeps_everything(runtime: Runtime) -> None:
    await aged_delivery(runtime, age_days=3650)
    removed = await clean_up(runtime.sessions, RetentionSettings(days=0), now=NOW)
    assert vars(removed) == {"attempts": 0, "minutes": 0, "deliveries": 0, "events": 0}
    assert await counts(runtime) == (1, 1, 2)


async def test_cli_replay_counts_then_replays_dead_letters_and_cleanup_reports(
    api: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    await subscribe(api, "https://example.com/hook")
    dead = [await aged_delivery(runtime, age_days=1, status="dead") for _ in range(3)]
    await aged_delivery(runtime, age_days=1, status="delivered")

    dry = await asyncio.to_thread(processes.run_cli, settings, "replay", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "3 deliveries would be replayed" in dry.stdout

    done = await asyncio.to_thread(processes.run_cli, settings, "replay", "--status", "dead")
    assert done.returncode == 0, done.stderr
    assert "3 deliveries queued" in done.stdout
    assert "replaying [" in done.stderr
    async with runtime.sessions() as session:
        statuses = {d.id: d.status for d in (await session.scalars(select(Delivery))).all()}
    assert [statuses[d] for d in dead] == ["pending"] * 3

    again = await asyncio.to_thread(processes.run_cli, settings, "replay", str(dead[0]))
    assert again.returncode == 1
    assert "pending" in again.stderr

    cleaned = await asyncio.to_thread(processes.run_cli, settings, "cleanup", "--days", "30")
    assert cleaned.returncode == 0, cleaned.stderr
    assert "removed 0 attempts, 0 deliveries, 0 events older than 30 days" in cleaned.stdout


@pytest.mark.worker  # starts a worker process
@pytest.mark.slow
async def test_retries_pending_when_the_worker_is_killed_still_happen_after_a_restart(
    api: httpx.AsyncClient, runtime: Runtime, settings: Settings, receiver: Receiver
) -> None:
    slow_retry = settings.model_copy(update={"retry": settings.retry.model_copy(update={"schedule": [3.0]})})
    await subscribe(api, f"{receiver.url}/flaky/1")
    worker = processes.start("worker", slow_retry)
    try:
        event = await publish(api)
        await receiver.wait_for(1, timeout=30)

        async def retrying() -> bool:
            shown: dict[str, Any] = (await api.get(f"/v1/events/{event['id']}")).json()
            return bool(shown["deliveries"]) and shown["deliveries"][0]["status"] == "retrying"

        await eventually(retrying)
        worker.send_signal(signal.SIGKILL)
        await asyncio.to_thread(worker.wait, 10)
        await asyncio.sleep(3.5)
        assert len(receiver.requests) == 1, "nothing may be sent while no worker runs"

        worker = processes.start("worker", slow_retry)
        first, second = await receiver.wait_for(2, timeout=30)
        assert second.headers["webhook-id"] == first.headers["webhook-id"]

        async def delivered() -> bool:
            shown: dict[str, Any] = (await api.get(f"/v1/events/{event['id']}")).json()
            return bool(shown["deliveries"][0]["status"] == "delivered")

        await eventually(delivered)
    finally:
        await asyncio.to_thread(processes.terminate, worker)


async def test_cli_keys_create_prints_the_key_once_list_hides_it_and_revoke_stops_it(
    runtime: Runtime, settings: Settings
) -> None:
    created = await asyncio.to_thread(
        processes.run_cli, settings, "keys", "create", "--name", "erp", "--scope", "events:publish"
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    caller = await runtime.keys.verify(key)
    assert caller is not None
    assert caller.scopes == frozenset({"events:publish"})

    listed = await asyncio.to_thread(processes.run_cli, settings, "keys", "list")
    assert "erp" in listed.stdout
    assert key not in listed.stdout

    revoked = await asyncio.to_thread(
        processes.run_cli, settings, "keys", "revoke", "--id", str(caller.key_id)
    )
    assert revoked.returncode == 0, revoked.stderr
    runtime.keys.forget(caller.key_id)
    assert await runtime.keys.verify(key) is None
    refused = await asyncio.to_thread(
        processes.run_cli, settings, "keys", "create", "--name", "x", "--scope", "root"
    )
    assert refused.returncode == 1
    assert "unknown scope" in refused.stderr
