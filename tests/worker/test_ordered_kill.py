"""An ordered subscription across a worker SIGKILLed mid-stream (real ``worker`` processes,
this run's transport): the dead worker's head comes back after its lease and is sent before
anything behind it, so each key still arrives in order, nothing is lost, and a duplicate is
only ever of the latest event sent."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx
import pytest

from tests.deliveries.test_ordering import FAIL_ONCE, OrderedReceiver, ordered_receiver, publish_batches
from tests.support.backend import BACKEND
from tests.support.cluster import ADMIN_KEY, Cluster
from tests.support.helpers import TOKEN

pytestmark = [pytest.mark.worker, pytest.mark.postgres]
KEYS = ("a", "b", "c")
PER_KEY = 40
__all__ = ["ordered_receiver"]


async def test_a_killed_worker_keeps_each_key_in_order(
    ordered_receiver: OrderedReceiver, tmp_path: Path
) -> None:
    ordered_receiver.refuse = False
    transport = "dbqueue" if BACKEND.endswith("dbqueue") else "rabbitmq"
    cluster = Cluster(
        transport,
        tmp_path,
        {
            "worker": {"lease_seconds": 4.0, "poll_interval": 0.3, "sweep_after": 3.0},
            "retry": {"schedule": [0.3]},
        },
    )
    await cluster.create()
    try:
        cluster.start_api()
        cluster.start_worker()
        cluster.start_worker()
        await cluster.until_ready(timeout=90)
        headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
        async with httpx.AsyncClient(base_url=cluster.base_url, headers=headers, timeout=10) as api:
            created = await api.post(
                "/v1/subscriptions",
                json={
                    "event_name": "example.ping",
                    "recipient_url": f"{ordered_receiver.url}/hook",
                    "verification_token": TOKEN,
                    "ordering": "fifo",
                    "ordering_key": "key",
                },
            )
            assert created.status_code == 201, created.text
            await publish_batches(api, KEYS, PER_KEY)
            deadline = time.monotonic() + 20
            while len(ordered_receiver.seen) < 30 and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            cluster.kill_worker(0)  # mid-stream: it holds some keys' heads
            killed_at = len(ordered_receiver.seen)
            cluster.start_worker()
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and not all(
                set(ordered_receiver.delivered(key)) >= set(range(PER_KEY)) for key in KEYS
            ):
                await asyncio.sleep(0.1)
    except BaseException:
        print(cluster.logs())
        raise
    finally:
        await cluster.stop()
        await cluster.drop()
    assert killed_at < len(KEYS) * PER_KEY, "the kill came after the stream ended"
    for key in KEYS:
        sent = ordered_receiver.sent(key)
        assert sent == sorted(sent), f"key {key} went back: {sent}"
        firsts = list(dict.fromkeys(ordered_receiver.delivered(key)))
        assert firsts == list(range(PER_KEY)), f"key {key}: {firsts}"
        for n in FAIL_ONCE:
            assert n in sent
    assert ordered_receiver.most_at_once == 1
