"""The subscription's ``ordering`` and ``ordering_key`` (deliveries/ordering.py): set and
shown by /v1, validated with the field named, cleared by ``none``, kept by Magento's /V1."""

from __future__ import annotations

import httpx
import pytest

from tests.support.helpers import TOKEN

RECIPIENT = "https://example.com/order_created"


async def create(api: httpx.AsyncClient, **fields: object) -> httpx.Response:
    body = {"event_name": "example.ping", "recipient_url": RECIPIENT, "verification_token": TOKEN}
    return await api.post("/v1/subscriptions", json=body | fields)


async def test_ordering_is_set_shown_and_cleared(api: httpx.AsyncClient) -> None:
    plain = (await create(api)).json()
    assert (plain["ordering"], plain["ordering_key"]) == ("none", None)

    created = await create(api, ordering="fifo", ordering_key="order.customer_id")
    assert created.status_code == 201, created.text
    sub = created.json()
    assert (sub["ordering"], sub["ordering_key"]) == ("fifo", "order.customer_id")
    read = (await api.get(f"/v1/subscriptions/{sub['subscription_id']}")).json()
    assert (read["ordering"], read["ordering_key"]) == ("fifo", "order.customer_id")

    keyless = await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"ordering_key": None})
    assert (keyless.json()["ordering"], keyless.json()["ordering_key"]) == ("fifo", None)
    await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"ordering_key": "entity_id"})
    off = await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"ordering": "none"})
    assert (off.json()["ordering"], off.json()["ordering_key"]) == ("none", None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"ordering_key": "entity_id"}, "fifo"),
        ({"ordering": "none", "ordering_key": "entity_id"}, "fifo"),
        ({"ordering": "fifo", "ordering_key": "a..b"}, "segments"),
        ({"ordering": "fifo", "ordering_key": ".".join("x" * 17)}, "segments"),
    ],
)
async def test_a_wrong_ordering_key_is_a_422_naming_it(
    api: httpx.AsyncClient, fields: dict[str, object], message: str
) -> None:
    response = await create(api, **fields)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["loc"] == "ordering_key"
    assert message in error["msg"]


async def test_an_unknown_ordering_is_a_422_naming_it(api: httpx.AsyncClient) -> None:
    response = await create(api, ordering="lifo")
    assert response.status_code == 422
    assert "ordering" in response.json()["errors"][0]["loc"]


async def test_a_magento_update_keeps_the_ordering(api: httpx.AsyncClient) -> None:
    sub = (await create(api, ordering="fifo", ordering_key="entity_id")).json()
    put = await api.put(
        f"/V1/async_event/{sub['subscription_id']}",
        json={"asyncEvent": {"status": False, "recipient_url": "https://example.com/other"}},
    )
    assert put.status_code == 200, put.text
    read = (await api.get(f"/v1/subscriptions/{sub['subscription_id']}")).json()
    assert (read["ordering"], read["ordering_key"]) == ("fifo", "entity_id")
