"""An event's ``<resources>`` guard every change to its subscriptions and every replay of its
deliveries, not only subscribing: a ``subscriptions:write`` key without
``Magento_Customer::manage`` must not re-point, rotate, disable, delete (or enable) a
``customer.created`` subscription, and a ``deliveries:replay`` key without it must not make
``customer.created`` payloads go out again."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import event_when, eventually, publish, subscribe
from tests.support.keys import bearer, key_with
from tests.support.receiver import Receiver

RESOURCE = "Magento_Customer::manage"  # customer.created's <resource> in tests/data/events.xml

#: (method, path, body) of every write that reaches one subscription; ``{id}`` is its id.
CHANGES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("PATCH", "/v1/subscriptions/{id}", {"recipient_url": "{receiver}/taken-over"}),
    ("PATCH", "/v1/subscriptions/{id}", {"verification_token": "a-token-of-my-choosing"}),
    ("PATCH", "/v1/subscriptions/{id}", {"status": "disabled"}),
    ("PATCH", "/v1/subscriptions/{id}", {"headers": {"X-Mine": "1"}}),
    ("DELETE", "/v1/subscriptions/{id}", None),
    ("POST", "/v1/subscriptions/bulk-status", {"ids": ["{id}"], "status": "disabled"}),
    ("PUT", "/V1/async_event/{id}", {"asyncEvent": {"status": False}}),
    ("PUT", "/rest/default/V1/async_event/{id}", {"asyncEvent": {"status": False}}),
]


def filled(value: Any, sub_id: int, receiver: Receiver) -> Any:
    """``value`` with ``{id}`` and ``{receiver}`` put in (``"{id}"`` alone becomes the int)."""
    if value == "{id}":
        return sub_id
    if isinstance(value, str):
        return value.replace("{id}", str(sub_id)).replace("{receiver}", receiver.url)
    if isinstance(value, dict):
        return {k: filled(v, sub_id, receiver) for k, v in value.items()}
    if isinstance(value, list):
        return [filled(v, sub_id, receiver) for v in value]
    return value


async def stored(api: httpx.AsyncClient, sub_id: int) -> dict[str, Any]:
    response = await api.get(f"/v1/subscriptions/{sub_id}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(("method", "path", "body"), CHANGES, ids=lambda v: str(v)[:40])
async def test_changing_a_subscription_needs_the_resources_of_its_event(
    api: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    runtime: Runtime,
    receiver: Receiver,
    method: str,
    path: str,
    body: dict[str, Any] | None,
) -> None:
    sub = await subscribe(api, f"{receiver.url}/customers", "customer.created")
    sub_id = sub["subscription_id"]
    before = await stored(api, sub_id)
    writer = bearer(await key_with(runtime, "subscriptions:write"))
    trusted = bearer(await key_with(runtime, "subscriptions:write", RESOURCE))
    url, json = filled(path, sub_id, receiver), filled(body, sub_id, receiver)

    refused = await anonymous.request(method, url, json=json, headers=writer)

    assert refused.status_code == 403, refused.text
    if path.startswith("/v1/"):
        assert refused.headers["content-type"] == "application/problem+json"
        assert f"subscription {sub_id} needs the resource(s) {RESOURCE}" in refused.json()["detail"]
    else:
        assert refused.json()["message"] == "The consumer isn't authorized to access %resources."
        assert RESOURCE in refused.json()["parameters"]["resources"]
    assert await stored(api, sub_id) == before  # nothing changed, nothing deleted

    allowed = await anonymous.request(method, url, json=json, headers=trusted)

    assert allowed.status_code in (200, 204), allowed.text


async def test_a_pattern_subscription_needs_every_resource_its_pattern_selects(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime, receiver: Receiver
) -> None:
    everything = await subscribe(api, f"{receiver.url}/all", "*")
    orders = await subscribe(api, f"{receiver.url}/orders", "sales.order.created")
    writer = bearer(await key_with(runtime, "subscriptions:write"))
    elsewhere = {"recipient_url": f"{receiver.url}/taken-over"}

    pattern = await anonymous.patch(
        f"/v1/subscriptions/{everything['subscription_id']}", json=elsewhere, headers=writer
    )
    plain = await anonymous.patch(
        f"/v1/subscriptions/{orders['subscription_id']}", json=elsewhere, headers=writer
    )

    assert pattern.status_code == 403
    assert RESOURCE in pattern.json()["detail"]
    assert plain.status_code == 200  # an event without resources needs none
    assert plain.json()["recipient_url"] == f"{receiver.url}/taken-over"


async def test_bulk_status_is_all_or_nothing_and_names_the_refused_subscription(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime, receiver: Receiver
) -> None:
    orders = await subscribe(api, f"{receiver.url}/orders", "sales.order.created")
    customers = await subscribe(api, f"{receiver.url}/customers", "customer.created")
    writer = bearer(await key_with(runtime, "subscriptions:write"))
    ids = [orders["subscription_id"], customers["subscription_id"]]

    refused = await anonymous.post(
        "/v1/subscriptions/bulk-status", json={"ids": ids, "status": "disabled"}, headers=writer
    )

    assert refused.status_code == 403
    assert (
        f"subscription {customers['subscription_id']} needs the resource(s) {RESOURCE}"
        in (refused.json()["detail"])
    )
    assert [(await stored(api, i))["status"] for i in ids] == ["active", "active"]


def all_dead(event: dict[str, Any]) -> bool:
    return bool(event["deliveries"]) and all(d["status"] == "dead" for d in event["deliveries"])


async def dead_delivery(api: httpx.AsyncClient, event: str, arguments: dict[str, Any]) -> str:
    """Publish ``event`` to the subscriptions of the test (receivers answering 422) and wait
    until its one delivery is dead; returns the delivery id."""
    published = await publish(api, event, arguments=arguments)
    [delivery] = (await event_when(api, published["id"], all_dead))["deliveries"]
    return str(delivery["id"])


async def test_replaying_a_delivery_needs_the_resources_of_its_event(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/status/422", "customer.created")
    delivery_id = await dead_delivery(api, "customer.created", {"customer_id": 7})
    replayer = bearer(await key_with(runtime, "deliveries:replay"))
    trusted = bearer(await key_with(runtime, "deliveries:replay", RESOURCE))

    refused = await anonymous.post(f"/v1/deliveries/{delivery_id}/replay", headers=replayer)

    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert RESOURCE in refused.json()["detail"]
    assert (await api.get(f"/v1/deliveries/{delivery_id}")).json()["status"] == "dead"
    assert len(receiver.requests) == 1

    allowed = await anonymous.post(f"/v1/deliveries/{delivery_id}/replay", headers=trusted)

    assert allowed.status_code == 202
    await receiver.wait_for(2)


async def test_a_bulk_replay_leaves_out_the_events_whose_resources_the_key_lacks(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/status/422", "customer.created")
    await subscribe(api, f"{receiver.url}/status/422", "sales.order.created")
    customer = await dead_delivery(api, "customer.created", {"customer_id": 7})
    order = await dead_delivery(api, "sales.order.created", {"id": 42})
    replayer = bearer(await key_with(runtime, "deliveries:replay"))
    trusted = bearer(await key_with(runtime, "deliveries:replay", RESOURCE))

    dry = await anonymous.post("/v1/replays", json={"dry_run": True}, headers=replayer)
    named = await anonymous.post("/v1/replays", json={"event_name": "customer.created"}, headers=replayer)
    everything = await anonymous.post("/v1/replays", json={"dry_run": True}, headers=trusted)

    assert dry.json() == {"dry_run": True, "count": 1, "more": False, "excluded_events": ["customer.created"]}
    assert named.status_code == 403
    assert RESOURCE in named.json()["detail"]
    assert everything.json() == {"dry_run": True, "count": 2, "more": False}

    job = await anonymous.post("/v1/replays", json={}, headers=replayer)
    assert job.status_code == 202
    assert (job.json()["total"], job.json()["criteria"]["excluded_events"]) == (1, ["customer.created"])

    async def done() -> bool:
        return bool((await api.get(f"/v1/replays/{job.json()['id']}")).json()["status"] == "done")

    await eventually(done)
    [again] = [r for r in await receiver.wait_for(3) if r.headers["webhook-id"] == order][1:]
    assert again.headers["x-asyncevents-event"] == "sales.order.created"
    assert (await api.get(f"/v1/replays/{job.json()['id']}")).json()["replayed"] == 1
    left = (await api.get(f"/v1/deliveries/{customer}")).json()
    assert (left["status"], left["attempt_count"]) == ("dead", 1)
