"""``GET /v1/events``: each filter, newest first across pages, bad input named, an
application's events only for its key, and the scope it needs."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import Runtime
from tests.support.keys import bearer, key_with
from tests.support.rows import stored_delivery, stored_event

NOW = utcnow()


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def event_at(runtime: Runtime, minutes_ago: float, **columns: Any) -> str:
    """A dispatched event received ``minutes_ago`` before :data:`NOW`."""
    columns = {"status": "dispatched", "payload": {"n": 1}, **columns}
    return str(await stored_event(runtime, received_at=NOW - timedelta(minutes=minutes_ago), **columns))


async def test_events_come_newest_first_each_as_get_event_shows_it(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    old = await event_at(runtime, 30)
    new = await event_at(runtime, 1, name="customer.created", arguments={"id": 3}, store_id=2)
    delivery = await stored_delivery(runtime, uuid.UUID(new), status="delivered", attempts=0)

    response = await api.get("/v1/events")

    assert ids(response) == [new, old]
    first = response.json()["items"][0]
    assert first == (await api.get(f"/v1/events/{new}")).json()
    assert first["deliveries"][0]["id"] == str(delivery)
    assert response.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"name": "customer.created"}, ["customer"]),
        ({"status": "failed"}, ["failed"]),
        ({"status": ["failed", "accepted"]}, ["accepted", "failed"]),
        ({"store": 3}, ["store3"]),
        ({"source": "amqp"}, ["amqp"]),
        ({"since": "SINCE"}, ["accepted", "amqp"]),
        ({"until": "SINCE"}, ["store3", "failed", "customer", "plain"]),
        ({"since": "SINCE", "source": "http"}, ["accepted"]),
    ],
    ids=["name", "status", "statuses", "store", "source", "since", "until", "combined"],
)
async def test_each_filter_keeps_only_the_events_that_match(
    api: httpx.AsyncClient, runtime: Runtime, params: dict[str, Any], expected: list[str]
) -> None:
    made = {
        "plain": await event_at(runtime, 60),
        "customer": await event_at(runtime, 50, name="customer.created"),
        "failed": await event_at(runtime, 40, status="failed", payload=None, error="no payload"),
        "store3": await event_at(runtime, 30, store_id=3),
        "amqp": await event_at(runtime, 10, source="amqp"),
        "accepted": await event_at(runtime, 0, status="accepted", payload=None),
    }
    since = (NOW - timedelta(minutes=20)).isoformat().replace("+00:00", "Z")
    query = {k: since if v == "SINCE" else v for k, v in params.items()}

    response = await api.get("/v1/events", params=query)

    assert ids(response) == [made[name] for name in expected]


async def all_pages(api: httpx.AsyncClient, params: dict[str, Any]) -> tuple[list[str], int]:
    """Every id of the list, following its cursors three at a time, and how many pages."""
    seen: list[str] = []
    cursor, pages = None, 0
    while True:
        response = await api.get(
            "/v1/events", params={**params, "limit": 3, **({"cursor": cursor} if cursor else {})}
        )
        page = ids(response)
        assert len(page) <= 3
        seen += page
        pages += 1
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen, pages


async def test_pages_follow_each_other_without_a_gap_or_a_repeat(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Pairs received at the same instant: the cursor's tie-break on the id is exercised.
    made = [await event_at(runtime, n // 2) for n in range(11)]

    seen, pages = await all_pages(api, {})

    assert pages == 4
    assert len(seen) == len(set(seen)) == 11
    assert set(seen) == set(made)
    assert seen == ids(await api.get("/v1/events", params={"limit": 500}))  # the order of one page


async def test_pages_of_several_statuses_interleave_them_in_the_lists_order(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    # Each status's events are merged in time order; pairs at one instant tie-break on the id.
    statuses = ("failed", "accepted", "dispatched")
    made: dict[str, list[str]] = {status: [] for status in statuses}
    for n in range(12):
        status = statuses[n % 3]
        made[status].append(await event_at(runtime, n // 2, status=status, payload=None))

    seen, pages = await all_pages(api, {"status": ["failed", "accepted"]})

    assert pages == 3
    assert sorted(seen) == sorted(made["failed"] + made["accepted"])
    assert seen == ids(await api.get("/v1/events", params={"status": ["failed", "accepted"], "limit": 500}))
    assert seen == [i for i in ids(await api.get("/v1/events", params={"limit": 500})) if i in seen]


async def test_a_cursor_keeps_its_filters_order(api: httpx.AsyncClient, runtime: Runtime) -> None:
    made = [await event_at(runtime, n, name="customer.created") for n in range(3)]
    await event_at(runtime, 0.5)
    first = await api.get("/v1/events", params={"name": "customer.created", "limit": 2})
    second = await api.get(
        "/v1/events", params={"name": "customer.created", "limit": 2, "cursor": first.json()["next_cursor"]}
    )

    assert ids(first) + ids(second) == made
    assert second.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"status": "dead"}, "status"),
        ({"limit": 0}, "limit"),
        ({"limit": 501}, "limit"),
        ({"store": -1}, "store"),
        ({"since": "yesterday"}, "since"),
        ({"application": "nope"}, "application"),
    ],
    ids=["foreign-cursor", "garbage-cursor", "status", "limit-0", "limit-501", "store", "since", "app"],
)
async def test_bad_input_is_a_422_problem_naming_the_field(
    api: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    response = await api.get("/v1/events", params=params)

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["loc"].split(".")[0] for error in response.json()["errors"]], response.json()


async def test_a_delivery_log_cursor_is_not_an_events_cursor(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    event = uuid.UUID(await event_at(runtime, 1))
    for _ in range(2):
        await stored_delivery(runtime, event)
    cursor = (await api.get("/v1/deliveries", params={"limit": 1})).json()["next_cursor"]
    assert cursor

    response = await api.get("/v1/events", params={"cursor": cursor})

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "cursor"


async def test_a_bound_key_lists_its_applications_events_only(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp = (await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})).json()["id"]
    pim = (await api.post("/v1/applications", json={"uid": "pim", "name": "PIM"})).json()["id"]
    mine = await event_at(runtime, 3, application_id=erp)
    theirs = await event_at(runtime, 2, application_id=pim)
    to_all = await event_at(runtime, 1)
    key = bearer(await key_with(runtime, "deliveries:read", application_id=erp))

    own = await anonymous.get("/v1/events", headers=key)
    named = await anonymous.get("/v1/events", params={"application": "erp"}, headers=key)
    other = await anonymous.get("/v1/events", params={"application": "pim"}, headers=key)

    assert ids(own) == ids(named) == [mine]
    assert theirs not in own.text
    assert to_all not in own.text
    assert other.status_code == 422
    assert other.json()["errors"][0]["loc"] == "application"
    # An operator lists every event, or one application's.
    assert ids(await api.get("/v1/events")) == [to_all, theirs, mine]
    assert ids(await api.get("/v1/events", params={"application": "pim"})) == [theirs]


async def test_a_key_without_the_read_scope_is_403(anonymous: httpx.AsyncClient, runtime: Runtime) -> None:
    await event_at(runtime, 1)
    publisher = bearer(await key_with(runtime, "events:publish"))

    response = await anonymous.get("/v1/events", headers=publisher)

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "deliveries:read" in response.json()["detail"]
