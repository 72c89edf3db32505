"""One fault scenario: load → fault → recovery → count what arrived.

Four subscriptions (``/a``, ``/b``, ``/c``, and ``/d`` ordered: ``fifo`` by
``arguments.key``, 10 lines) take every event, so each accepted event is four expected
deliveries; ``/d``'s must also arrive in accepted order per key (**out of order**: 0).
Afterwards the tally says, per scenario:

* **lost** — expected (event, subscriber) pairs that never arrived: must be 0;
* **duplicates** — arrivals beyond the first of a ``webhook-id`` (at-least-once delivery:
  a send whose outcome was not recorded before a crash is sent again, with the same id);
* **double fan-outs** — one event delivered to one subscriber under two ``webhook-id``\\ s:
  must be 0 (receivers could not de-duplicate those);
* **drain** — seconds from the end of the fault until the last expected delivery arrived,
  and the trace (``deliveries`` rows) says ``delivered`` for every one.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.faults.load import EVENT, Load
from tests.faults.receiver import ORDERED, FaultyReceiver
from tests.support.cluster import ADMIN_KEY, Cluster

SUBSCRIBERS = ("/a", "/b", "/c", ORDERED)
#: Production settings with shorter clocks, so that a scenario takes seconds: a 10 s lease
#: (default 60 s), a 5 s sweep (30 s), retries after 1, 2, 4, then 8 s (the n² ladder).
SHORT_CLOCKS: dict[str, dict[str, Any]] = {
    "worker": {
        "lease_seconds": 10.0,
        "sweep_after": 5.0,
        "poll_interval": 0.5,
        "shutdown_grace": 5.0,
        "scheduler_batch": 500,
    },
    "retry": {"schedule": [1, 2, 4] + [8] * 9},
    "http": {"timeout": 10.0},
}


@dataclass
class Fault:
    """What an injection can reach, and what it writes down while the fault lasts."""

    cluster: Cluster
    receiver: FaultyReceiver
    load: Load
    seen: list[str] = field(default_factory=list)  # observations made during the fault


Inject = Callable[[Fault], Awaitable[None]]


@dataclass
class Outcome:
    scenario: str
    transport: str
    accepted: int = 0
    expected: int = 0
    delivered: int = 0
    duplicates: int = 0
    double_fanouts: int = 0
    drain_seconds: float = 0.0
    producer_saw: str = ""
    seen: list[str] = field(default_factory=list)
    wrong_answers: list[str] = field(default_factory=list)
    out_of_order: list[tuple[int, int, int]] = field(default_factory=list)  # (key, seq, after seq)
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    @property
    def duplicate_rate(self) -> float:
        return self.duplicates / self.expected if self.expected else 0.0

    def row(self) -> str:
        return (
            f"| {self.scenario} | {self.transport} | {self.accepted} | {self.expected} | {self.delivered} "
            f"| **{self.lost}** | {self.duplicates} ({self.duplicate_rate:.2%}) | {self.drain_seconds:.1f} s "
            f"| {self.producer_saw} |"
        )


HEADER = (
    "| scenario | transport | accepted | expected | delivered | lost | duplicates | drain after fault "
    "| producer saw |\n|---|---|--:|--:|--:|--:|--:|--:|---|"
)


async def subscribe_all(cluster: Cluster, receiver: FaultyReceiver) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    async with httpx.AsyncClient(base_url=cluster.base_url, headers=headers, timeout=10) as client:
        for path in SUBSCRIBERS:
            ordered = {"ordering": "fifo", "ordering_key": "key"} if path == ORDERED else {}
            response = await client.post(
                "/v1/subscriptions",
                json={"event_name": EVENT, "recipient_url": f"{receiver.url}{path}", **ordered},
            )
            assert response.status_code == 201, response.text


async def run(
    scenario: str,
    transport: str,
    data_dir: Path,
    inject: Inject,
    *,
    events: int = 2000,
    workers: int = 2,
    drain_timeout: float = 120.0,
) -> Outcome:
    """Start the cluster, run the load with ``inject`` two seconds into it, and tally."""
    outcome = Outcome(scenario, transport)
    receiver = FaultyReceiver()
    await receiver.up()
    cluster = Cluster(transport, data_dir, SHORT_CLOCKS)
    await cluster.create()
    try:
        cluster.start_api()
        for _ in range(workers):
            cluster.start_worker()
        await cluster.until_ready()
        await subscribe_all(cluster, receiver)
        load = Load(cluster.base_url, ADMIN_KEY, cluster.name, events=events)
        loading = asyncio.create_task(load.run())
        await asyncio.sleep(2.0)
        fault = Fault(cluster, receiver, load)
        await inject(fault)
        fault_ended = time.monotonic()
        await loading
        await settle(outcome, cluster, receiver, load, drain_timeout)
        outcome.drain_seconds = max(0.0, outcome.drain_seconds - fault_ended)
        outcome.seen = fault.seen
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await cluster.stop()
        await receiver.down()
        with contextlib.suppress(Exception):
            await cluster.drop()
    return outcome


async def settle(
    outcome: Outcome, cluster: Cluster, receiver: FaultyReceiver, load: Load, timeout: float
) -> None:
    """Wait until every expected delivery arrived and is recorded ``delivered`` (or the
    timeout passed), then fill in the tally. ``drain_seconds`` is left as the monotonic
    time of the last first arrival."""
    expected = {(path, seq) for seq in load.accepted for path in SUBSCRIBERS}
    tally = receiver.tally
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if expected <= tally.first_seen.keys():
            outcome.statuses = await cluster.delivery_statuses()
            if outcome.statuses == {"delivered": len(expected)}:
                break
        await asyncio.sleep(0.25)
    await asyncio.sleep(1.0)  # late re-sends, if any, still count as duplicates
    outcome.statuses = await cluster.delivery_statuses()
    arrived = expected & tally.first_seen.keys()
    outcome.accepted = len(load.accepted)
    outcome.expected = len(expected)
    outcome.delivered = len(arrived)
    outcome.duplicates = sum(n - 1 for n in tally.arrivals.values())
    outcome.double_fanouts = sum(len(ids) - 1 for ids in tally.webhook_ids.values())
    outcome.drain_seconds = max((tally.first_seen[pair] for pair in arrived), default=0.0)
    outcome.producer_saw = ", ".join(f"{k}×{v}" for k, v in sorted(load.answers.items()))
    outcome.wrong_answers = load.wrong_answers
    outcome.out_of_order = tally.out_of_order
