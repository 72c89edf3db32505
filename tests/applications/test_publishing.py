"""Publishing to one application or to all, end to end: a worker fans out to a loopback
receiver, and exactly the right subscriptions get a request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aio_pika
import httpx
import pytest

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.backend import AMQP_URL
from tests.support.helpers import event_when, eventually, publish, subscribe
from tests.support.keys import bearer, key_with
from tests.support.receiver import Receiver


async def one_subscription_each(api: httpx.AsyncClient, receiver: Receiver) -> dict[str, dict[str, Any]]:
    """``default``, ``erp`` and ``pim``, each subscribed to ``sales.order.created`` at its own path."""
    for uid in ("erp", "pim"):
        assert (await api.post("/v1/applications", json={"uid": uid, "name": uid})).status_code == 201
    return {
        uid: await subscribe(
            api, f"{receiver.url}/{uid}", **({} if uid == "default" else {"application": uid})
        )
        for uid in ("default", "erp", "pim")
    }


def dispatched(event: dict[str, Any]) -> bool:
    return bool(event["status"] == "dispatched")


def paths(receiver: Receiver) -> list[str]:
    return sorted(r.path for r in receiver.requests)


async def test_an_event_for_one_application_reaches_its_subscriptions_only_and_one_for_all_every_one(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    subs = await one_subscription_each(api, receiver)

    to_erp = await publish(api, application="erp")
    await receiver.wait_for(1)
    to_all = await publish(api)
    await receiver.wait_for(4)

    only = await event_when(api, to_erp["id"], dispatched)
    assert [d["subscription_id"] for d in only["deliveries"]] == [subs["erp"]["subscription_id"]]
    every = await event_when(api, to_all["id"], dispatched)
    assert len(every["deliveries"]) == 3
    assert paths(receiver) == ["/default", "/erp", "/erp", "/pim"]
    # Each delivery carries its subscription's application: the tenant's log has both of erp's.
    erp_log = (await api.get("/v1/deliveries", params={"application": "erp"})).json()["items"]
    assert {d["event_id"] for d in erp_log} == {to_erp["id"], to_all["id"]}


async def test_a_bound_keys_event_goes_to_its_own_application_only(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime, worker: Worker, receiver: Receiver
) -> None:
    await one_subscription_each(api, receiver)
    pim = (await api.get("/v1/applications/pim")).json()["id"]
    key = bearer(await key_with(runtime, "events:publish", "deliveries:read", application_id=pim))

    sent = await anonymous.post(
        "/v1/events", json={"event_name": "sales.order.created", "arguments": {"id": 42}}, headers=key
    )
    await receiver.wait_for(1)
    # The positive control: an operator's event for all, sent after, reaches the three.
    await publish(api)
    await receiver.wait_for(4)

    shown = await event_when(api, sent.json()["id"], dispatched)
    assert len(shown["deliveries"]) == 1
    assert paths(receiver) == ["/default", "/erp", "/pim", "/pim"]


@pytest.mark.rabbitmq
async def test_a_magento_queue_message_still_reaches_every_applications_subscriptions(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, settings: Settings
) -> None:
    await one_subscription_each(api, receiver)

    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.get_exchange(settings.broker.magento_exchange)
        body = json.dumps(["sales.order.created", json.dumps({"id": 42}), "0"]).encode()
        await exchange.publish(aio_pika.Message(body, message_id="m-apps"), routing_key="event.trigger")
        await receiver.wait_for(3)
    await asyncio.sleep(0.3)  # nothing more arrives: one delivery per application's subscription

    assert paths(receiver) == ["/default", "/erp", "/pim"]


async def test_a_disabled_subscription_is_announced_to_its_own_application_only(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    for uid in ("erp", "pim"):
        await api.post("/v1/applications", json={"uid": uid, "name": uid})
        await subscribe(api, f"{receiver.url}/ops-{uid}", "subscription.disabled", application=uid)
    erp_gone = await subscribe(api, f"{receiver.url}/status/410", "example.ping", application="erp")
    await publish(api, "example.ping", arguments={"n": 1})
    await receiver.wait_for(1, "/ops-erp")
    # The positive control: pim's own subscription, gone too, is announced to pim.
    pim_gone = await subscribe(api, f"{receiver.url}/status/410", "example.ping", application="pim")
    await publish(api, "example.ping", arguments={"n": 2}, application="pim")

    def about(path: str) -> list[int]:
        return sorted(json.loads(r.body)["data"]["subscription_id"] for r in receiver.on(path))

    async def pim_told() -> bool:
        return pim_gone["subscription_id"] in about("/ops-pim")

    await eventually(pim_told)
    assert about("/ops-erp") == [erp_gone["subscription_id"]]
    assert about("/ops-pim") == [pim_gone["subscription_id"]]
