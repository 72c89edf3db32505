"""Per-subscription delivery policy: custom headers (write-only, encrypted), timeout, retry
schedule and count, and the in-flight limit."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import receiver_secret
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import TOKEN, event_when, most_in_flight, publish, subscribe
from tests.support.receiver import Receiver

SECRET_VALUE = "Bearer receiver-s3cret-value"


def finished(event: dict[str, Any]) -> bool:
    return event["status"] == "dispatched" and all(
        d["status"] in ("delivered", "dead") for d in event["deliveries"]
    )


async def test_custom_headers_are_sent_but_never_shown_or_stored_in_clear(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, runtime: Runtime
) -> None:
    headers = {"Authorization": SECRET_VALUE, "X-Tenant": "acme"}
    sub = await subscribe(api, f"{receiver.url}/h", "example.ping", headers=headers)
    assert sub["header_names"] == ["Authorization", "X-Tenant"]
    assert "s3cret" not in str(sub)
    shown = await api.get(f"/v1/subscriptions/{sub['subscription_id']}")
    assert "s3cret" not in shown.text
    assert shown.json()["header_names"] == ["Authorization", "X-Tenant"]
    listed = await api.get("/v1/subscriptions", params={"event_name": "example.ping"})
    assert "s3cret" not in listed.text

    async with runtime.sessions() as session:
        stored = await session.execute(
            text("SELECT headers_encrypted FROM subscriptions WHERE id = :id"),
            {"id": sub["subscription_id"]},
        )
        [column] = stored.one()
    assert "s3cret" not in column
    assert "acme" not in column

    event = await publish(api, "example.ping", arguments={"n": 1})
    [received] = await receiver.wait_for(1, path="/h")
    assert received.headers["authorization"] == SECRET_VALUE
    assert received.headers["x-tenant"] == "acme"
    Webhook(receiver_secret(TOKEN)).verify(received.body, received.headers)
    trace = await event_when(api, event["id"], finished)
    assert "s3cret" not in str(trace)


@pytest.mark.parametrize(
    ("headers", "loc", "message"),
    [
        ({"webhook-id": "spoofed"}, "headers", "set by the service itself"),
        ({"Content-Type": "text/plain"}, "headers", "set by the service itself"),
        ({"X-A": "1", "x-a": "2"}, "headers", "appears twice"),
        ({"Bad Name": "x"}, "headers.Bad Name.[key]", "pattern"),
        ({"X-Line": "a\r\nInjected: 1"}, "headers.X-Line", "control"),
    ],
)
async def test_bad_custom_headers_are_refused_naming_the_field(
    api: httpx.AsyncClient, receiver: Receiver, headers: dict[str, str], loc: str, message: str
) -> None:
    body = {"event_name": "example.ping", "recipient_url": f"{receiver.url}/x", "headers": headers}
    response = await api.post("/v1/subscriptions", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["loc"] == loc
    assert message in error["msg"]


@pytest.mark.parametrize("rate", [1e-300, 0.001, 0.0099])
async def test_a_rate_limit_slower_than_one_request_per_100_s_is_refused_on_create_and_patch(
    api: httpx.AsyncClient, receiver: Receiver, rate: float
) -> None:
    # The limiter's window is 1/rate: 1e-300 parked every delivery after the first for ever.
    body = {"event_name": "example.ping", "recipient_url": f"{receiver.url}/x"}
    created = await api.post("/v1/subscriptions", json=body | {"rate_limit": rate})
    slowest = await api.post("/v1/subscriptions", json=body | {"rate_limit": 0.01})
    patched = await api.patch(
        f"/v1/subscriptions/{slowest.json()['subscription_id']}", json={"rate_limit": rate}
    )

    assert slowest.status_code == 201, slowest.text
    for response in (created, patched):
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["loc"] == "rate_limit"


async def test_a_subscription_timeout_ends_a_slow_attempt(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/slow/2", "example.ping", timeout=0.3, max_retries=0)
    assert sub["timeout"] == 0.3
    event = await publish(api, "example.ping", arguments={"n": 2})
    trace = await event_when(api, event["id"], finished, timeout=10)
    [delivery] = [d for d in trace["deliveries"] if d["subscription_id"] == sub["subscription_id"]]
    assert delivery["status"] == "dead"
    [attempt] = delivery["attempts"]
    assert attempt["response"] == "timed out after 0.3 s"
    assert attempt["duration_ms"] < 1500


async def test_a_subscription_retry_schedule_and_count_replace_the_services(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(
        api, f"{receiver.url}/status/503", "example.ping", retry_schedule=[0.1], max_retries=2
    )
    assert (sub["retry_schedule"], sub["max_retries"]) == ([0.1], 2)
    event = await publish(api, "example.ping", arguments={"n": 3})
    # The service's ladder (1 s, then 4 s, five retries) would take far longer.
    trace = await event_when(api, event["id"], finished, timeout=6)
    [delivery] = [d for d in trace["deliveries"] if d["subscription_id"] == sub["subscription_id"]]
    assert delivery["status"] == "dead"
    assert len(delivery["attempts"]) == 3
    assert "gave up after 2 retries" in delivery["status_reason"]


async def test_a_subscription_in_flight_limit_holds(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/slow/0.2", "example.ping", max_in_flight=1)
    async with most_in_flight(worker.dispatcher, sub["subscription_id"]) as most:
        events = [{"event_name": "example.ping", "arguments": {"n": n}} for n in range(5)]
        response = await api.post("/v1/events/batch", json={"events": events})
        assert response.json()["accepted"] == 5
        received = await receiver.wait_for(5, path="/slow/0.2", timeout=15)
    assert most == [1]
    arrivals = sorted(r.at for r in received)
    assert all(b - a >= 0.15 for a, b in itertools.pairwise(arrivals)), arrivals


async def test_null_puts_a_policy_field_back_to_the_default(
    api: httpx.AsyncClient, receiver: Receiver
) -> None:
    sub = await subscribe(
        api,
        f"{receiver.url}/p",
        "example.ping",
        timeout=2,
        max_in_flight=3,
        headers={"X-A": "1"},
        retry_schedule=[1, 2],
    )
    url = f"/v1/subscriptions/{sub['subscription_id']}"
    kept = (await api.patch(url, json={"description": "x"})).json()
    assert (kept["timeout"], kept["max_in_flight"], kept["header_names"]) == (2, 3, ["X-A"])
    defaults = dict.fromkeys(("timeout", "max_in_flight", "headers", "retry_schedule"))
    reset = (await api.patch(url, json=defaults)).json()
    assert reset["timeout"] is None
    assert reset["max_in_flight"] is None
    assert reset["header_names"] == []
    assert reset["retry_schedule"] is None
