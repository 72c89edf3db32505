"""Ingest: 404 for unknown events, 422 for arguments that do not fit, idempotency, batches."""

from __future__ import annotations

import uuid

import httpx
import pytest

from asyncevents_svc.db.models import Event
from asyncevents_svc.runtime import Runtime
from tests.support.rows import assert_no_event_stored, count_events


async def test_an_accepted_event_is_committed_before_the_202(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await api.post(
        "/v1/events", json={"event_name": "sales.order.created", "arguments": {"id": 7}}
    )

    assert response.status_code == 202
    async with runtime.sessions() as session:
        stored = await session.get(Event, uuid.UUID(response.json()["id"]))
    assert stored is not None
    assert (stored.name, stored.arguments, stored.status) == (
        "sales.order.created",
        {"id": 7},
        "accepted",
    )


async def test_unknown_event_is_404_and_stores_nothing(api: httpx.AsyncClient, runtime: Runtime) -> None:
    response = await api.post("/v1/events", json={"event_name": "no.such.event", "arguments": {}})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "no.such.event" in response.json()["detail"]
    await assert_no_event_stored(api, runtime)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "arguments.id"),
        ({"id": "forty-two"}, "arguments.id"),
        ({"id": 1, "colour": "red"}, "arguments.colour"),
    ],
    ids=["missing", "wrong-type", "unknown"],
)
async def test_arguments_that_do_not_fit_the_service_are_422_at_ingest(
    api: httpx.AsyncClient, runtime: Runtime, arguments: dict[str, object], field: str
) -> None:
    response = await api.post(
        "/v1/events", json={"event_name": "sales.order.created", "arguments": arguments}
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == field
    await assert_no_event_stored(api, runtime)


@pytest.mark.parametrize(
    "body",
    [
        {"arguments": {"id": 1}},
        {"event_name": "bad name!", "arguments": {}},
        {"event_name": "sales.order.created", "arguments": [1, 2]},
        {"event_name": "sales.order.created", "arguments": {"id": 1}, "store_id": -3},
        {"event_name": "sales.order.created", "arguments": {"id": 1}, "id": ""},
    ],
)
async def test_malformed_bodies_are_422_problems(api: httpx.AsyncClient, body: dict[str, object]) -> None:
    response = await api.post("/v1/events", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"]


async def test_a_repeated_idempotency_key_returns_the_original_event(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    body = {"event_name": "sales.order.created", "arguments": {"id": 1}}
    first = await api.post("/v1/events", json=body, headers={"Idempotency-Key": "order-1-created"})
    second = await api.post("/v1/events", json=body, headers={"Idempotency-Key": "order-1-created"})
    third = await api.post("/v1/events", json={**body, "id": "order-1-created"})

    assert first.status_code == second.status_code == third.status_code == 202
    assert first.json()["id"] == second.json()["id"] == third.json()["id"]
    assert (first.json()["duplicate"], second.json()["duplicate"]) == (False, True)
    assert await count_events(runtime) == 1


async def test_a_uuid_client_id_becomes_the_event_id(api: httpx.AsyncClient) -> None:
    client_id = str(uuid.uuid4())
    response = await api.post(
        "/v1/events",
        json={"event_name": "example.ping", "arguments": {"a": 1}, "id": client_id.upper()},
    )
    assert response.json()["id"] == client_id


async def test_body_id_and_header_must_agree(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/v1/events",
        json={"event_name": "example.ping", "arguments": {}, "id": "a"},
        headers={"Idempotency-Key": "b"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "id"


async def test_batch_returns_one_result_per_item_in_order(api: httpx.AsyncClient, runtime: Runtime) -> None:
    events = [
        {"event_name": "sales.order.created", "arguments": {"id": 1}},
        {"event_name": "no.such.event", "arguments": {}},
        {"event_name": "sales.order.created", "arguments": {"id": "x"}},
        {"event_name": "example.ping", "arguments": {"anything": [1]}, "id": "k1"},
        {"event_name": "example.ping", "arguments": {"anything": [1]}, "id": "k1"},
    ]

    response = await api.post("/v1/events/batch", json={"events": events})

    assert response.status_code == 202
    body = response.json()
    assert [r["status"] for r in body["results"]] == [202, 404, 422, 202, 202]
    assert (body["accepted"], body["rejected"]) == (3, 2)
    assert body["results"][2]["error"]["errors"][0]["loc"] == "arguments.id"
    assert body["results"][3]["id"] == body["results"][4]["id"]
    assert body["results"][4]["duplicate"] is True
    assert await count_events(runtime) == 2


async def test_batches_are_limited_to_1000_events(api: httpx.AsyncClient) -> None:
    events = [{"event_name": "example.ping", "arguments": {}}] * 1001
    response = await api.post("/v1/events/batch", json={"events": events})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "events"


async def test_a_batch_of_1000_is_accepted(api: httpx.AsyncClient, runtime: Runtime) -> None:
    events = [{"event_name": "example.ping", "arguments": {"n": n}} for n in range(1000)]
    response = await api.post("/v1/events/batch", json={"events": events})
    assert response.json()["accepted"] == 1000
    assert await count_events(runtime) == 1000


async def test_unknown_event_id_is_404(api: httpx.AsyncClient) -> None:
    assert (await api.get(f"/v1/events/{uuid.uuid4()}")).status_code == 404
    assert (await api.get("/v1/events/not-a-uuid")).status_code == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_name": "example.ping", "arguments": {"a": "x\u0000y"}}, "arguments"),
        ({"event_name": "example.ping", "arguments": {"k\u0000": 1}}, "arguments"),
        ({"event_name": "example.ping", "arguments": {}, "id": "a\u0000"}, "id"),
    ],
)
async def test_text_the_database_cannot_store_is_a_422_not_a_500(
    api: httpx.AsyncClient, body: dict[str, object], field: str
) -> None:
    response = await api.post("/v1/events", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == field
