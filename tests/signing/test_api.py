"""``GET /v1/signing-keys`` (public JWKS) and the subscriptions' ``signature`` field."""

from __future__ import annotations

import httpx
import pytest

from asyncevents_svc.runtime import Runtime
from tests.support.helpers import subscribe

RECIPIENT = "https://example.com/hook"


async def test_the_jwks_is_public_and_has_no_private_member(
    anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    response = await anonymous.get("/v1/signing-keys")

    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert set(key) == {"kty", "crv", "x", "kid", "use", "alg"}
    assert "d" not in key
    assert key == (await runtime.keyring.active())[0].jwk()
    assert response.headers["cache-control"] == "public, max-age=300"


async def test_the_jwks_lists_both_keys_during_a_rotation(
    anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    [old] = (await anonymous.get("/v1/signing-keys")).json()["keys"]

    new, _ = await runtime.keyring.rotate(overlap=3600)

    keys = (await anonymous.get("/v1/signing-keys")).json()["keys"]
    assert [key["kid"] for key in keys] == [new.kid, old["kid"]]
    assert all("d" not in key for key in keys)


async def test_a_subscription_signs_with_v1_unless_told(api: httpx.AsyncClient) -> None:
    sub = await subscribe(api, RECIPIENT)

    assert sub["signature"] == "v1"


@pytest.mark.parametrize("scheme", ["v1a", "both"])
async def test_the_signature_scheme_is_created_shown_and_patched(api: httpx.AsyncClient, scheme: str) -> None:
    sub = await subscribe(api, RECIPIENT, signature=scheme)
    path = f"/v1/subscriptions/{sub['subscription_id']}"
    assert sub["signature"] == scheme
    assert (await api.get(path)).json()["signature"] == scheme

    patched = await api.patch(path, json={"signature": "v1"})

    assert patched.status_code == 200
    assert patched.json()["signature"] == "v1"
    assert (await api.patch(path, json={"description": "x"})).json()["signature"] == "v1"


async def test_an_unknown_scheme_is_a_422_naming_the_field(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/v1/subscriptions",
        json={"event_name": "sales.order.created", "recipient_url": RECIPIENT, "signature": "v2"},
    )

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "signature" in response.text


async def test_a_magento_v1_create_signs_with_v1(api: httpx.AsyncClient) -> None:
    body = {"event_name": "sales.order.created", "recipient_url": RECIPIENT, "metadata": "http"}
    created = await api.post("/V1/async_event", json={"asyncEvent": body})
    assert created.status_code == 200, created.text

    shown = await api.get(f"/v1/subscriptions/{created.json()['subscription_id']}")

    assert shown.json()["signature"] == "v1"
