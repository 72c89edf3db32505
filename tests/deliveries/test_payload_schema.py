"""Payload schemas at fan-out: a payload that matches its event's ``<schema>`` is delivered,
one that does not fails its event with the JSON path of the mismatch and makes no delivery.
Run on each transport (the backend's: RabbitMQ or the database queue)."""

from __future__ import annotations

import json

import httpx

from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import event_when, publish, subscribe
from tests.support.receiver import Receiver


def settled(event: dict[str, object]) -> bool:
    return event["status"] != "accepted"


async def test_a_payload_that_matches_its_schema_is_fanned_out(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/stock", event="stock.changed")

    event = await publish(api, event="stock.changed", arguments={"sku": "24-MB01", "qty": 2})
    [received] = await receiver.wait_for(1, path="/stock")
    shown = await event_when(api, event["id"], settled)

    assert shown["status"] == "dispatched"
    assert shown["error"] is None
    assert json.loads(received.body)["data"] == {"sku": "24-MB01", "qty": 2}


async def test_a_payload_that_does_not_match_fails_its_event_naming_the_path(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/stock", event="stock.changed")

    event = await publish(
        api, event="stock.changed", arguments={"sku": "24-MB01", "qty": 0, "lines": [{"sku": 7}]}
    )
    shown = await event_when(api, event["id"], settled)

    assert shown["status"] == "failed"
    assert shown["error"].startswith("payload does not match its schema: ")
    assert "$.qty: 0 is less than the minimum of 1" in shown["error"]
    assert "$.lines[0].sku: 7 is not of type 'string'" in shown["error"]
    assert shown["deliveries"] == []
    # A good one published after it still goes out: the bad one held nothing up.
    good = await publish(api, event="stock.changed", arguments={"sku": "24-MB01", "qty": 1})
    await receiver.wait_for(1, path="/stock")
    assert (await event_when(api, good["id"], settled))["status"] == "dispatched"
    assert len(receiver.requests) == 1


async def test_the_event_types_show_the_schema_the_example_and_that_it_is_enforced(
    api: httpx.AsyncClient,
) -> None:
    items = {e["name"]: e for e in (await api.get("/v1/event-types")).json()["items"]}

    stock = items["stock.changed"]
    assert stock["payload_validated"] is True
    assert stock["payload_schema"]["required"] == ["sku", "qty"]
    assert stock["example_payload"] == {"sku": "24-MB01", "qty": 3}
    assert items["example.ping"]["payload_validated"] is False
