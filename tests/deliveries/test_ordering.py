"""Opt-in FIFO ordering (deliveries/ordering.py): per key, one delivery at a time, in the
order the events were accepted; a failing head holds its line; dead letters release it;
replays go to the end of their line; disabling cancels the whole line.

The receiver here answers per event (its ``n`` in the payload): some fail once (500,
retried), one is refused (400: dead), and each send is slow enough that two sends of one
key at once would overlap and be seen."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiohttp import web

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.backend import SQLITE
from tests.support.helpers import eventually, subscribe
from tests.support.loopback import on_loopback

KEYS = ("a", "b", "c")
PER_KEY = 12
FAIL_ONCE = {2, 7}  # these n's fail their first attempt (500), then succeed
REFUSED = 5  # this n is refused (400): dead-lettered, and its line goes on


@dataclass
class OrderedReceiver:
    """Records (key, n, answer) per request, and the most sends of one key at once."""

    url: str = ""
    seen: list[tuple[str, int, int]] = field(default_factory=list)
    attempts: dict[tuple[str, int], int] = field(default_factory=lambda: defaultdict(int))
    in_flight: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    arrived: dict[tuple[str, int], datetime] = field(default_factory=dict)
    most_at_once: int = 0
    refuse: bool = True

    async def handle(self, request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        payload = body["data"]
        key, n = str(payload["key"]), int(payload["n"])
        self.arrived.setdefault((key, n), datetime.now(UTC))
        self.in_flight[key] += 1
        self.most_at_once = max(self.most_at_once, self.in_flight[key])
        try:
            await asyncio.sleep(0.02)  # two sends of one key at once would overlap here
            self.attempts[(key, n)] += 1
            if n == REFUSED and self.refuse:
                code = 400
            elif n in FAIL_ONCE and self.attempts[(key, n)] == 1:
                code = 500
            else:
                code = 200
            self.seen.append((key, n, code))
            return web.Response(status=code, text="answered")
        finally:
            self.in_flight[key] -= 1

    def delivered(self, key: str) -> list[int]:
        return [n for k, n, code in self.seen if k == key and code == 200]

    def sent(self, key: str) -> list[int]:
        return [n for k, n, _ in self.seen if k == key]


@pytest.fixture
async def ordered_receiver() -> AsyncIterator[OrderedReceiver]:
    receiver = OrderedReceiver()
    app = web.Application()
    app.router.add_route("POST", "/{tail:.*}", receiver.handle)
    async with on_loopback(app) as url:
        receiver.url = url
        yield receiver


async def publish_batches(api: httpx.AsyncClient, keys: tuple[str, ...], per_key: int) -> None:
    """Each key's events 0..per_key-1, interleaved across keys, in a few batches."""
    events = [
        {"event_name": "example.ping", "arguments": {"key": key, "n": n}}
        for n in range(per_key)
        for key in keys
    ]
    for start in range(0, len(events), 7):
        response = await api.post("/v1/events/batch", json={"events": events[start : start + 7]})
        assert response.status_code == 202, response.text


async def statuses(api: httpx.AsyncClient, subscription_id: int) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    cursor = None
    while True:
        params: dict[str, Any] = {"subscription_id": subscription_id, "limit": 500}
        if cursor:
            params["cursor"] = cursor
        page = (await api.get("/v1/deliveries", params=params)).json()
        for item in page["items"]:
            counts[item["status"]] += 1
        cursor = page.get("next_cursor")
        if not cursor:
            return dict(counts)


async def two_workers(start_worker: Callable[..., Awaitable[Worker]]) -> None:
    """Two workers sharing the work (one on SQLite, which has one writer)."""
    for _ in range(1 if SQLITE else 2):
        await start_worker(worker={"poll_interval": 0.2})


async def test_each_key_arrives_in_order_with_retries_and_a_dead_letter(
    api: httpx.AsyncClient, ordered_receiver: OrderedReceiver, start_worker: Callable[..., Awaitable[Worker]]
) -> None:
    sub = await subscribe(
        api,
        f"{ordered_receiver.url}/hook",
        "example.ping",
        ordering="fifo",
        ordering_key="key",
        retry_schedule=[0.3, 0.3, 0.3],
        max_in_flight=10,
    )
    await two_workers(start_worker)
    await publish_batches(api, KEYS, PER_KEY)
    expected = [n for n in range(PER_KEY) if n != REFUSED]

    async def done() -> bool:
        return all(len(ordered_receiver.delivered(key)) >= len(expected) for key in KEYS)

    await eventually(done, timeout=60)
    for key in KEYS:
        # Delivered in order, each once; what was sent (retries included) never went back.
        assert ordered_receiver.delivered(key) == expected, ordered_receiver.sent(key)
        sent = ordered_receiver.sent(key)
        assert sent == sorted(sent), f"key {key} went back: {sent}"
        assert sent.count(REFUSED) == 1  # refused once: dead, and the line went on
        for n in FAIL_ONCE:
            assert sent.count(n) == 2
    assert ordered_receiver.most_at_once == 1, "two deliveries of one key were sent at once"

    async def settled() -> bool:
        return await statuses(api, sub["subscription_id"]) == {
            "delivered": len(KEYS) * (PER_KEY - 1),
            "dead": len(KEYS),
        }

    await eventually(settled, timeout=15)


async def test_the_keys_go_in_parallel_and_a_missing_path_is_one_key(
    api: httpx.AsyncClient, ordered_receiver: OrderedReceiver, start_worker: Callable[..., Awaitable[Worker]]
) -> None:
    ordered_receiver.refuse = False
    await subscribe(
        api, f"{ordered_receiver.url}/hook", "example.ping", ordering="fifo", ordering_key="nowhere"
    )
    await two_workers(start_worker)
    await publish_batches(api, ("a", "b"), 6)

    async def done() -> bool:
        return len([s for s in ordered_receiver.seen if s[2] == 200]) >= 12

    await eventually(done, timeout=60)
    # One line for all: sent one at a time across both "keys", in accepted order.
    order = [(k, n) for k, n, code in ordered_receiver.seen if code == 200]
    assert order == [(key, n) for n in range(6) for key in ("a", "b")]
    assert ordered_receiver.most_at_once == 1


async def test_a_replay_goes_after_the_open_ones_and_disabling_cancels_the_line(
    api: httpx.AsyncClient,
    ordered_receiver: OrderedReceiver,
    start_worker: Callable[..., Awaitable[Worker]],
    runtime: Runtime,
) -> None:
    sub = await subscribe(
        api,
        f"{ordered_receiver.url}/hook",
        "example.ping",
        ordering="fifo",
        ordering_key="key",
        retry_schedule=[0.3],
    )
    sub_id = sub["subscription_id"]
    await two_workers(start_worker)
    await publish_batches(api, ("a",), PER_KEY)
    await eventually(lambda: _at_least(ordered_receiver, "a", PER_KEY - 1), timeout=60)
    dead = (await api.get("/v1/deliveries", params={"subscription_id": sub_id, "status": "dead"})).json()
    assert len(dead["items"]) == 1
    ordered_receiver.refuse = False
    # Replayed: it is sent again, after everything open now (nothing), and delivered.
    replay = await api.post(f"/v1/deliveries/{dead['items'][0]['id']}/replay")
    assert replay.status_code in (200, 202), replay.text
    await eventually(lambda: _at_least(ordered_receiver, "a", PER_KEY), timeout=30)
    assert ordered_receiver.delivered("a")[-1] == REFUSED

    # Disabled while a line waits behind a failing head: the whole line ends cancelled,
    # and enabling again does not bring it back.
    ordered_receiver.seen.clear()
    await api.patch(f"/v1/subscriptions/{sub_id}", json={"retry_schedule": [30]})
    await publish_batches(api, ("z",), 4)
    await eventually(lambda: _sent_at_least(ordered_receiver, "z", 3), timeout=30)  # 0, 1, 2 (failed)

    async def head_retrying() -> bool:
        return (await statuses(api, sub_id)).get("retrying") == 1

    # The receiver has seen the head's failed attempt; wait until the worker has recorded it
    # too (retrying, due in 30 s), or the hurry-up below would find nothing to bring forward.
    await eventually(head_retrying, timeout=30)
    await api.patch(f"/v1/subscriptions/{sub_id}", json={"status": "disabled", "retry_schedule": [0.2]})

    async def cancelled() -> bool:
        counts = await statuses(api, sub_id)
        return counts.get("cancelled") == 2 and "pending" not in counts and "retrying" not in counts

    # The failed head is claimed when due again (30 s away): cancel it by hand sooner.
    async with runtime.sessions() as session, session.begin():
        from sqlalchemy import update

        from asyncevents_svc.db.models import Delivery
        from asyncevents_svc.db.types import utcnow

        await session.execute(
            update(Delivery)
            .where(Delivery.subscription_id == sub_id, Delivery.status == "retrying")
            .values(next_attempt_at=utcnow())
        )
    await eventually(cancelled, timeout=30)
    await api.patch(f"/v1/subscriptions/{sub_id}", json={"status": "active"})
    await asyncio.sleep(1.0)
    counts = await statuses(api, sub_id)
    assert counts.get("cancelled") == 2
    assert "pending" not in counts
    assert ordered_receiver.sent("z") == [0, 1, 2]


async def _at_least(receiver: OrderedReceiver, key: str, count: int) -> bool:
    return len(receiver.delivered(key)) >= count


async def _sent_at_least(receiver: OrderedReceiver, key: str, count: int) -> bool:
    return len(receiver.sent(key)) >= count


async def test_a_scheduled_event_behind_others_waits_for_its_time_and_keeps_its_line(
    api: httpx.AsyncClient, ordered_receiver: OrderedReceiver, start_worker: Callable[..., Awaitable[Worker]]
) -> None:
    ordered_receiver.refuse = False
    await subscribe(api, f"{ordered_receiver.url}/hook", "example.ping", ordering="fifo", ordering_key="key")
    await start_worker(worker={"poll_interval": 0.2})
    deliver_at = datetime.now(UTC) + timedelta(seconds=2)
    later = {"deliver_at": deliver_at.isoformat()}
    events = [
        {"event_name": "example.ping", "arguments": {"key": "a", "n": n}, **(later if n == 1 else {})}
        for n in range(3)
    ]
    for event in events:  # one at a time: accepted in this order
        assert (await api.post("/v1/events", json=event)).status_code == 202

    await eventually(lambda: _at_least(ordered_receiver, "a", 3), timeout=30)
    assert ordered_receiver.delivered("a") == [0, 1, 2]
    assert ordered_receiver.arrived[("a", 1)] >= deliver_at  # released when its turn came, sent at its time
