"""``POST /v1/events`` on its short path (events/publish_route.py): matched before every
other route, and answering each request exactly as FastAPI's standard route does -- the
same status, content type and body (ids and times aside) for accepted events, refusals by
the gate, the route's own errors and every kind of malformed input."""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from asyncevents_svc.app import create_app
from asyncevents_svc.events.publish_route import PublishRoute
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from tests.support.keys import bearer, key_with

JSON = {"content-type": "application/json"}
ORDER = b'{"event_name": "sales.order.created", "arguments": {"id": 7}}'

#: (name, headers, body); "{side}" in a header is replaced by the side's name, so that an
#: idempotency key is new on each side.
CASES: list[tuple[str, dict[str, str], bytes]] = [
    ("accepted", JSON, ORDER),
    ("no content type", {}, ORDER),
    ("charset", {"content-type": "application/json; charset=utf-8"}, ORDER),
    ("Idempotency-Key", {**JSON, "idempotency-key": "order-7-{side}"}, ORDER),
    ("empty Idempotency-Key", {**JSON, "idempotency-key": ""}, ORDER),
    ("Idempotency-Key with a control character", {**JSON, "idempotency-key": "a\tb"}, ORDER),
    ("Idempotency-Key too long", {**JSON, "idempotency-key": "k" * 256}, ORDER),
    (
        "body id differs from the header",
        {**JSON, "idempotency-key": "one-{side}"},
        b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "id": "two"}',
    ),
    ("unknown event", JSON, b'{"event_name": "no.such.event", "arguments": {}}'),
    ("arguments that do not fit", JSON, b'{"event_name": "sales.order.created", "arguments": {}}'),
    ("unknown field", JSON, b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "x": 1}'),
    ("no event name", JSON, b'{"arguments": {"id": 7}}'),
    ("name pattern", JSON, b'{"event_name": "sales order", "arguments": {"id": 7}}'),
    (
        "store id as a string",
        JSON,
        b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "store_id": "3"}',
    ),
    (
        "store id as true",
        JSON,
        b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "store_id": true}',
    ),
    (
        "negative store id",
        JSON,
        b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "store_id": -1}',
    ),
    ("ttl as a string", JSON, b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "ttl": "60"}'),
    ("ttl zero", JSON, b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "ttl": 0}'),
    (
        "deadline in the past",
        JSON,
        b'{"event_name": "sales.order.created", "arguments": {"id": 7}, "expires_at": "2020-01-01"}',
    ),
    ("a list", JSON, b"[]"),
    ("a string", JSON, b'"sales.order.created"'),
    ("empty body", JSON, b""),
    ("byte-order mark", JSON, codecs.BOM_UTF8 + ORDER),
    ("text/plain", {"content-type": "text/plain"}, ORDER),
    ("a +json type", {"content-type": "application/vnd.api+json"}, ORDER),
    ("a form", {"content-type": "application/x-www-form-urlencoded"}, b"event_name=sales.order.created"),
    ("not JSON", JSON, b"{nope"),
    ("NaN", JSON, b'{"event_name": "sales.order.created", "arguments": {"id": NaN}}'),
    (
        "nul in an argument",
        JSON,
        b'{"event_name": "sales.order.created", "arguments": {"id": 7, "n": "a\\u0000"}}',
    ),
]

_VOLATILE = re.compile(r'"(id|received_at)":"[^"]*"')


@pytest.fixture
async def standard_app(settings: Settings, runtime: Runtime) -> FastAPI:
    """The same app, sharing the runtime, with the short path taken out."""
    application = create_app(settings, runtime)
    [short] = [route for route in application.router.routes if isinstance(route, PublishRoute)]
    application.router.routes.remove(short)
    return application


@pytest.fixture
async def sides(app: FastAPI, standard_app: FastAPI) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    clients = {
        side: httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://api.test")
        for side, application in (("short", app), ("standard", standard_app))
    }
    yield clients
    for client in clients.values():
        await client.aclose()


def _answer(response: httpx.Response) -> tuple[int, str, str]:
    return response.status_code, response.headers["content-type"], _VOLATILE.sub(r'"\1":"…"', response.text)


async def _both(
    sides: dict[str, httpx.AsyncClient], headers: dict[str, str], body: bytes
) -> dict[str, tuple[int, str, str]]:
    answers = {}
    for side, client in sides.items():
        sent = {name: value.replace("{side}", side) for name, value in headers.items()}
        answers[side] = _answer(await client.post("/v1/events", content=body, headers=sent))
    return answers


def test_the_short_path_is_the_first_route(app: FastAPI) -> None:
    assert isinstance(app.router.routes[0], PublishRoute)


@pytest.mark.parametrize(("headers", "body"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
async def test_the_short_path_answers_as_the_standard_route(
    sides: dict[str, httpx.AsyncClient], runtime: Runtime, headers: dict[str, str], body: bytes
) -> None:
    key = bearer(await key_with(runtime, "events:publish"))

    answers = await _both(sides, {**headers, **key}, body)

    assert answers["short"] == answers["standard"]


async def test_a_repeat_is_answered_as_the_standard_route_answers_it(
    sides: dict[str, httpx.AsyncClient], runtime: Runtime
) -> None:
    key = bearer(await key_with(runtime, "events:publish"))
    first = await _both(sides, {**JSON, **key, "idempotency-key": "same-{side}"}, ORDER)

    again = await _both(sides, {**JSON, **key, "idempotency-key": "same-{side}"}, ORDER)
    other = await _both(
        sides,
        {**JSON, **key, "idempotency-key": "same-{side}"},
        b'{"event_name": "sales.order.created", "arguments": {"id": 8}}',
    )

    assert first["short"][0] == 202
    assert '"duplicate":false' in first["short"][2]
    assert again["short"] == again["standard"]
    assert '"duplicate":true' in again["short"][2]
    assert other["short"] == other["standard"]
    assert other["short"][0] == 409


@pytest.mark.parametrize(
    "gate",
    [{}, {"authorization": "Bearer nope"}, {"authorization": "Basic abc"}],
    ids=["no key", "unknown key", "not bearer"],
)
async def test_the_gate_refuses_on_the_short_path_as_on_the_standard_one(
    sides: dict[str, httpx.AsyncClient], gate: dict[str, str]
) -> None:
    answers = await _both(sides, {**JSON, **gate}, ORDER)

    assert answers["short"] == answers["standard"]
    assert answers["short"][0] == 401


async def test_a_key_without_the_publish_scope_is_refused_alike(
    sides: dict[str, httpx.AsyncClient], runtime: Runtime
) -> None:
    key = bearer(await key_with(runtime, "deliveries:read"))

    answers = await _both(sides, {**JSON, **key}, ORDER)

    assert answers["short"] == answers["standard"]
    assert answers["short"][0] == 403


async def test_a_get_of_the_path_still_lists_events(
    sides: dict[str, httpx.AsyncClient], runtime: Runtime
) -> None:
    key = bearer(await key_with(runtime, "deliveries:read"))

    response = await sides["short"].get("/v1/events", headers=key)

    assert response.status_code == 200
    assert "items" in response.json()
