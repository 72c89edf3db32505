"""Payload filters on subscriptions: validated at create, applied at fan-out, explained on
the event's record."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import event_when, publish, subscribe
from tests.support.receiver import Receiver

PAID_AND_LARGE = {"and": [{"path": "status", "eq": "paid"}, {"path": "total", "gte": 100}]}


async def test_only_matching_events_are_delivered_and_a_skip_says_why(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    filtered = await subscribe(api, f"{receiver.url}/filtered", "example.ping", filter=PAID_AND_LARGE)
    everything = await subscribe(api, f"{receiver.url}/all", "example.ping")
    assert filtered["filter"] == PAID_AND_LARGE

    big = await publish(api, "example.ping", arguments={"status": "paid", "total": 150})
    small = await publish(api, "example.ping", arguments={"status": "paid", "total": 20})
    await receiver.wait_for(2, path="/all")
    await receiver.wait_for(1, path="/filtered")

    small_event = await event_when(api, small["id"], lambda e: e["status"] == "dispatched")
    mine = [d for d in small_event["deliveries"] if d["subscription_id"] == filtered["subscription_id"]]
    assert mine == []
    skips = [s for s in small_event["skipped"] if s["subscription_id"] == filtered["subscription_id"]]
    assert skips == [
        {
            "subscription_id": filtered["subscription_id"],
            "reason": "filter: total gte 100 is false (total is 20)",
        }
    ]
    assert everything["subscription_id"] in {d["subscription_id"] for d in small_event["deliveries"]}

    big_event = await event_when(api, big["id"], lambda e: e["status"] == "dispatched")
    assert filtered["subscription_id"] in {d["subscription_id"] for d in big_event["deliveries"]}
    assert all(s["subscription_id"] != filtered["subscription_id"] for s in big_event["skipped"])
    assert len(receiver.on("/filtered")) == 1


async def test_a_filter_can_be_changed_and_removed(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/f", "example.ping", filter={"path": "kind", "eq": "a"})
    url = f"/v1/subscriptions/{sub['subscription_id']}"
    changed = await api.patch(url, json={"filter": {"path": "kind", "in": ["b", "c"]}})
    assert changed.json()["filter"] == {"path": "kind", "in": ["b", "c"]}
    await publish(api, "example.ping", arguments={"kind": "a"})
    await publish(api, "example.ping", arguments={"kind": "c"})
    [received] = await receiver.wait_for(1, path="/f")
    assert b'"kind":"c"' in received.body

    untouched = await api.patch(url, json={"description": "no filter change"})
    assert untouched.json()["filter"] == {"path": "kind", "in": ["b", "c"]}
    removed = await api.patch(url, json={"filter": None})
    assert removed.json()["filter"] is None
    await publish(api, "example.ping", arguments={"kind": "z"})
    await receiver.wait_for(2, path="/f")


@pytest.mark.parametrize(
    ("filter_", "loc", "message"),
    [
        ({"path": "total", "gte": "100"}, "filter.gte", "a number"),
        ({"and": [{"path": "a", "eq": 1}, {"path": "b", "like": 2}]}, "filter.and[1]", "unknown key"),
        ({"or": []}, "filter.or", "non-empty list"),
        ({"path": "a..b", "exists": True}, "filter.path", "non-empty segments"),
    ],
)
async def test_a_malformed_filter_is_a_422_naming_the_part(
    api: httpx.AsyncClient, receiver: Receiver, filter_: dict[str, Any], loc: str, message: str
) -> None:
    body = {"event_name": "example.ping", "recipient_url": f"{receiver.url}/x", "filter": filter_}
    response = await api.post("/v1/subscriptions", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["loc"] == loc
    assert message in error["msg"]
