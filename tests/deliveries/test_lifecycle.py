"""After a first attempt fails: retries, dead letters, cancellation, replay and the trace."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import event_when, eventually, only_delivery_of_event, publish, subscribe
from tests.support.receiver import Receiver

StartWorker = Callable[..., Awaitable[Worker]]


@pytest.mark.slow
async def test_the_modules_case_max_deaths_3_against_a_500_gives_4_attempts_then_dead(
    api: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    await start_worker(retry={"max_deaths": 3})
    await subscribe(api, f"{receiver.url}/status/500")

    event = await publish(api)
    trace = await only_delivery_of_event(api, event["id"], "dead", timeout=40)

    arrivals = [r.at for r in receiver.requests]
    assert len(arrivals) == 4
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    # Each wait is the ladder's 1, 4 and 9 s plus at most one scheduler scan (0.2 s) and
    # the time to write the attempt: we allow 0.8 s late, never early.
    for gap, expected in zip(gaps, (1, 4, 9), strict=True):
        assert expected <= gap <= expected + 0.8, gaps
    assert [a["number"] for a in trace["attempts"]] == [1, 2, 3, 4]
    assert trace["summary"] == "Dead Lettered with 3 retries: gave up after 3 retries: status 500"
    dead = await api.get("/v1/deliveries", params={"status": "dead"})
    assert [d["id"] for d in dead.json()["items"]] == [trace["id"]]


async def test_a_404_is_one_failed_attempt_and_no_retry(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/status/404")
    # The positive control: a 503 sent alongside is retried inside the same window.
    await subscribe(api, f"{receiver.url}/status/503", event="sales.order.updated")

    await publish(api, event="sales.order.updated")
    trace = await only_delivery_of_event(api, (await publish(api))["id"], "dead")
    dead_at = time.monotonic()
    await receiver.wait_for(2, path="/status/503", timeout=10)
    await asyncio.sleep(max(0.0, 1.5 - (time.monotonic() - dead_at)))  # a retry would have come after 1 s

    assert len(receiver.on("/status/404")) == 1
    assert [(a["status_code"], a["retryable"]) for a in trace["attempts"]] == [(404, False)]
    assert trace["status_reason"] == "not retryable: status 404"


async def test_retry_after_is_honoured(api: httpx.AsyncClient, worker: Worker, receiver: Receiver) -> None:
    await subscribe(api, f"{receiver.url}/retry-after/2")

    await publish(api)
    first, second = await receiver.wait_for(2, timeout=10)

    assert second.at - first.at >= 2.0


async def test_two_failures_then_success_is_delivered_with_2_retries(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/flaky/2")

    trace = await only_delivery_of_event(api, (await publish(api))["id"], "delivered")

    assert trace["summary"] == "Delivered with 2 retries"
    assert [a["status_code"] for a in trace["attempts"]] == [500, 500, 200]
    assert trace["first_attempt_at"] < trace["last_attempt_at"]


async def test_disabling_the_subscription_cancels_a_pending_retry(
    api: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    await start_worker(retry={"schedule": [2.0]})
    sub = await subscribe(api, f"{receiver.url}/status/503")
    event = await publish(api)
    await only_delivery_of_event(api, event["id"], "retrying")

    await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"status": "disabled"})
    trace = await only_delivery_of_event(api, event["id"], "cancelled")

    assert trace["status_reason"] == f"subscription {sub['subscription_id']} is disabled"
    assert trace["summary"].startswith("Cancelled")
    assert len(receiver.requests) == 1


async def test_deleting_the_subscription_cancels_a_pending_retry(
    api: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    await start_worker(retry={"schedule": [1.0]})
    sub = await subscribe(api, f"{receiver.url}/status/503")
    event = await publish(api)
    await only_delivery_of_event(api, event["id"], "retrying")

    await api.delete(f"/v1/subscriptions/{sub['subscription_id']}")
    trace = await only_delivery_of_event(api, event["id"], "cancelled")

    assert trace["status_reason"] == "subscription was deleted"


async def test_replaying_a_dead_delivery_reaches_the_receiver_with_the_same_webhook_id(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/flaky/1", event="customer.created")
    # The first request answers 500: with no retries the delivery is dead at once.
    sub = (await api.get("/v1/subscriptions")).json()["items"][0]
    event = await publish(api, event="customer.created", arguments={"customer_id": 7})
    await only_delivery_of_event(api, event["id"], "retrying")
    trace = await only_delivery_of_event(api, event["id"], "delivered")
    assert trace["summary"] == "Delivered with 1 retry"

    replayed = await api.post(f"/v1/deliveries/{trace['id']}/replay")
    assert replayed.status_code == 202
    await receiver.wait_for(3)
    after = await only_delivery_of_event(api, event["id"], "delivered")

    assert {r.headers["webhook-id"] for r in receiver.requests} == {trace["id"]}
    assert [a["number"] for a in after["attempts"]] == [1, 2, 3]
    assert after["summary"] == "Delivered with 0 retries"
    assert sub["subscription_id"] == after["subscription_id"]


async def test_a_delivery_in_flight_cannot_be_replayed(
    api: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    await start_worker(retry={"schedule": [30.0]})
    await subscribe(api, f"{receiver.url}/status/503")
    trace = await only_delivery_of_event(api, (await publish(api))["id"], "retrying")

    response = await api.post(f"/v1/deliveries/{trace['id']}/replay")

    assert response.status_code == 409
    assert "retrying" in response.json()["detail"]
    assert (await api.post("/v1/deliveries/00000000-0000-0000-0000-000000000000/replay")).status_code == 404


async def test_bulk_replay_dry_run_count_equals_what_is_replayed(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/status/422")
    events = [await publish(api, arguments={"id": n}) for n in range(7)]
    for event in events:
        await only_delivery_of_event(api, event["id"], "dead")

    dry = await api.post("/v1/replays", json={"status": ["dead"], "dry_run": True})
    assert dry.status_code == 200
    assert dry.json() == {"dry_run": True, "count": 7, "more": False}

    job = await api.post("/v1/replays", json={"status": ["dead"], "event_name": "sales.order.created"})
    assert job.status_code == 202
    assert job.json()["total"] == 7

    async def finished() -> bool:
        progress = (await api.get(f"/v1/replays/{job.json()['id']}")).json()
        return bool(progress["status"] == "done")

    await eventually(finished)
    await receiver.wait_for(14)
    progress = (await api.get(f"/v1/replays/{job.json()['id']}")).json()
    assert (progress["processed"], progress["replayed"]) == (7, 7)
    assert len(receiver.requests) == 14
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 7


async def test_the_trace_list_filters_and_pages(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    ok = await subscribe(api, f"{receiver.url}/ok")
    await subscribe(api, f"{receiver.url}/status/404")
    for n in range(3):
        await event_when(
            api,
            (await publish(api, arguments={"id": n}))["id"],
            lambda e: (
                all(d["status"] in ("delivered", "dead") for d in e["deliveries"])
                and len(e["deliveries"]) == 2
            ),
        )

    everything = (await api.get("/v1/deliveries", params={"limit": 4})).json()
    rest = (await api.get("/v1/deliveries", params={"limit": 4, "cursor": everything["next_cursor"]})).json()
    delivered = (await api.get("/v1/deliveries", params={"status": "delivered"})).json()
    by_sub = (await api.get("/v1/deliveries", params={"subscription_id": ok["subscription_id"]})).json()

    assert len(everything["items"]) + len(rest["items"]) == 6
    assert rest["next_cursor"] is None
    assert not {i["id"] for i in everything["items"]} & {i["id"] for i in rest["items"]}
    assert [i["status"] for i in delivered["items"]] == ["delivered"] * 3
    assert {i["subscription_id"] for i in by_sub["items"]} == {ok["subscription_id"]}
    stamps = [i["created_at"] for i in everything["items"]]
    assert stamps == sorted(stamps, reverse=True)
    none = await api.get("/v1/deliveries", params={"until": "2000-01-01T00:00:00Z"})
    assert none.json()["items"] == []


async def test_search_finds_deliveries_by_payload_and_a_bad_query_is_a_400_with_the_position(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/ok", event="customer.created")
    await subscribe(api, f"{receiver.url}/status/404", event="customer.created")
    roni = await publish(
        api, event="customer.created", arguments={"customer_id": 1, "email": "roni@example.com"}
    )
    other = await publish(
        api, event="customer.created", arguments={"customer_id": 2, "email": "x@example.com"}
    )
    for event in (roni, other):
        await event_when(
            api,
            event["id"],
            lambda e: (
                len(e["deliveries"]) == 2
                and all(d["status"] in ("delivered", "dead") for d in e["deliveries"])
            ),
        )

    found = await api.get("/v1/deliveries", params={"q": "data.email:roni* AND success:false"})
    either = await api.get(
        "/v1/deliveries", params={"q": "event_name:customer.* AND (data.id:1 OR data.id:2)"}
    )
    bad = await api.get("/v1/deliveries", params={"q": "data.email:roni* AND (status:dead"})

    assert [(i["event_id"], i["status"]) for i in found.json()["items"]] == [(roni["id"], "dead")]
    assert len(either.json()["items"]) == 4
    assert bad.status_code == 400
    assert bad.headers["content-type"] == "application/problem+json"
    assert "position" in bad.json()["detail"]
