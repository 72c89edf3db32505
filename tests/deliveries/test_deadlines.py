"""Deadlines (``expires_at``, ``ttl``, an event type's ``ttl``) and scheduled sends
(``deliver_at``), end to end through the worker on each transport (issue 20, points 2-3)."""

from __future__ import annotations

import asyncio
import html
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import aio_pika
import httpx
import pytest

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.backend import AMQP_URL
from tests.support.helpers import eventually, publish, subscribe
from tests.support.receiver import Receiver
from tests.support.rows import stored_delivery, stored_event

FORM = {"content-type": "application/x-www-form-urlencoded"}


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


async def only_delivery(api: httpx.AsyncClient, event_id: str, when: Any = None) -> dict[str, Any]:
    """The event's one delivery once ``when(delivery)`` holds (once it exists, without)."""
    found: dict[str, Any] = {}

    async def check() -> bool:
        deliveries = (await api.get(f"/v1/events/{event_id}")).json()["deliveries"]
        if not deliveries:
            return False
        found.update(deliveries[0])
        return True if when is None else bool(when(deliveries[0]))

    await eventually(check, timeout=30.0)
    return (await api.get(f"/v1/deliveries/{found['id']}")).json()  # type: ignore[no-any-return]


def expired(delivery: dict[str, Any]) -> bool:
    return bool(delivery["status"] == "expired")


async def test_a_ttl_event_to_a_failing_receiver_ends_expired_with_no_attempt_after_its_deadline(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/status/503")
    event = await publish(api, ttl=3)

    delivery = await only_delivery(api, event["id"], expired)

    deadline = at(delivery["expires_at"])
    assert (deadline - at(event["received_at"])).total_seconds() == pytest.approx(3, abs=0.5)
    # The ladder waits 1 s, then 4 s: the second retry would start past the deadline.
    assert [a["number"] for a in delivery["attempts"]] == [1, 2]
    assert all(at(a["started_at"]) < deadline for a in delivery["attempts"])
    assert delivery["summary"].startswith("Expired with 2 attempts")
    assert "deadline" in delivery["status_reason"]
    assert delivery["next_attempt_at"] is None
    count = len(receiver.requests)
    # Nothing is sent after the end, even once the deadline is well past.
    await asyncio.sleep(max(0.0, (deadline - datetime.now(UTC)).total_seconds()) + 1.5)
    assert len(receiver.requests) == count == 2

    found = (await api.get("/v1/deliveries", params={"q": "status:expired"})).json()["items"]
    assert [d["id"] for d in found] == [delivery["id"]]
    assert (await api.get("/v1/deliveries", params={"status": "expired"})).json()["items"][0][
        "id"
    ] == delivery["id"]

    stats = (await api.get("/v1/stats/deliveries")).json()
    assert stats["totals"]["expired"] == 1
    assert stats["totals"]["failed"] == 2  # its two attempts, the last of which expired it
    assert sum(m["expired"] for m in stats["minutes"]) == 1
    metrics = (await api.get("/metrics")).text
    assert 'asyncevents_deliveries_total{notifier="http",outcome="expired"} 1.0' in metrics


async def test_an_event_types_ttl_from_the_catalogue_applies_and_is_visible_in_the_console(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, admin_headers: dict[str, str], app: Any
) -> None:
    await subscribe(api, f"{receiver.url}/status/503", event="sales.order.expiring")
    event = await publish(api, "sales.order.expiring")

    shown = (await api.get(f"/v1/events/{event['id']}")).json()
    assert (at(shown["expires_at"]) - at(shown["received_at"])).total_seconds() == pytest.approx(2, abs=0.5)
    delivery = await only_delivery(api, event["id"], expired)
    assert all(at(a["started_at"]) < at(delivery["expires_at"]) for a in delivery["attempts"])

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api.test"
    ) as console:
        key = admin_headers["Authorization"].removeprefix("Bearer ")
        assert (await console.post("/admin/login", data={"key": key}, headers=FORM)).status_code == 303
        page = html.unescape((await console.get(f"/admin/deliveries/{delivery['id']}")).text)
        assert '<span class="badge expired">expired</span> Expired with' in page
        assert 'data-testid="expires-at"' in page
        assert "passed undelivered" in page
        listing = (await console.get("/admin/deliveries", params={"status": "expired"})).text
        assert delivery["id"] in listing


async def test_a_scheduled_send_waits_for_its_time_and_the_trace_shows_it_waiting(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/ok")
    deliver_at = datetime.now(UTC) + timedelta(seconds=3)
    started = time.monotonic()
    event = await publish(api, deliver_at=iso(deliver_at))
    assert time.monotonic() - started < 2.0  # the 202 comes at once

    waiting = await only_delivery(api, event["id"])
    assert waiting["status"] == "pending"
    assert at(waiting["scheduled_for"]) == deliver_at
    assert waiting["summary"].startswith("Scheduled for ")
    assert waiting["attempts"] == []
    assert receiver.requests == []

    [received] = await receiver.wait_for(1, timeout=30.0)
    assert datetime.now(UTC) >= deliver_at
    done = await only_delivery(api, event["id"], lambda d: d["status"] == "delivered")
    assert at(done["attempts"][0]["started_at"]) >= deliver_at
    assert done["scheduled_for"] is None
    assert received.headers["webhook-id"] == done["id"]


async def test_replaying_a_scheduled_delivery_sends_it_now(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/ok")
    event = await publish(api, deliver_at=iso(datetime.now(UTC) + timedelta(minutes=10)))
    waiting = await only_delivery(api, event["id"])
    assert waiting["scheduled_for"] is not None

    replayed = await api.post(f"/v1/deliveries/{waiting['id']}/replay")
    assert replayed.status_code == 202, replayed.text

    [received] = await receiver.wait_for(1, timeout=15.0)
    assert received.headers["webhook-id"] == waiting["id"]
    done = await only_delivery(api, event["id"], lambda d: d["status"] == "delivered")
    assert done["attempt_count"] == 1


async def test_replaying_an_expired_delivery_sends_it_without_a_deadline(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/status/503")
    event = await publish(api, ttl=1)
    delivery = await only_delivery(api, event["id"], expired)
    path = f"{receiver.url}/ok"
    assert (
        await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"recipient_url": path})
    ).status_code == 200

    assert (await api.post(f"/v1/deliveries/{delivery['id']}/replay")).status_code == 202
    done = await only_delivery(api, event["id"], lambda d: d["status"] == "delivered")
    assert done["expires_at"] is None
    assert receiver.on("/ok")


@pytest.mark.rabbitmq
async def test_a_magento_queue_message_gets_its_event_types_ttl(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, settings: Settings
) -> None:
    await subscribe(api, f"{receiver.url}/status/503", event="sales.order.expiring")
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(settings.broker.magento_exchange)
        body = json.dumps(["sales.order.expiring", json.dumps({"id": 42})]).encode()
        await exchange.publish(aio_pika.Message(body, message_id="m-ttl"), routing_key="event.trigger")

    found: list[str] = []

    async def listed() -> bool:
        found[:] = [d["id"] for d in (await api.get("/v1/deliveries")).json()["items"]]
        return bool(found)

    await eventually(listed, timeout=30.0)
    shown = (await api.get(f"/v1/deliveries/{found[0]}")).json()
    assert shown["expires_at"] is not None

    async def ended() -> bool:
        return bool((await api.get(f"/v1/deliveries/{found[0]}")).json()["status"] == "expired")

    await eventually(ended, timeout=30.0)
    done = (await api.get(f"/v1/deliveries/{found[0]}")).json()
    assert all(at(a["started_at"]) < at(done["expires_at"]) for a in done["attempts"])


async def test_a_delivery_claimed_past_its_deadline_expires_without_an_attempt(
    api: httpx.AsyncClient, runtime: Runtime, receiver: Receiver, start_worker: Any
) -> None:
    """As a worker finds what waited while every worker was down: due, but past its deadline."""
    sub = await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    event = await stored_event(runtime, status="dispatched", payload={"n": 1})
    past = datetime.now(UTC) - timedelta(seconds=5)
    delivery_id = await stored_delivery(
        runtime,
        event,
        subscription_id=sub["subscription_id"],
        next_attempt_at=past,
        expires_at=past + timedelta(seconds=1),
    )
    await start_worker()

    async def ended() -> bool:
        return bool((await api.get(f"/v1/deliveries/{delivery_id}")).json()["status"] == "expired")

    await eventually(ended, timeout=15.0)
    done = (await api.get(f"/v1/deliveries/{delivery_id}")).json()
    assert done["attempts"] == []
    assert done["summary"].startswith("Expired with 0 attempts: deadline ")
    assert receiver.requests == []
    stats = (await api.get("/v1/stats/deliveries")).json()
    assert (stats["totals"]["expired"], stats["totals"]["attempts"]) == (1, 0)
