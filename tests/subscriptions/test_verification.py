"""Verified endpoints (``security.verify_endpoints``): a new or re-pointed ``http``
subscription is ``unverified`` until its endpoint answers a signed challenge with the
challenge in its body; meanwhile fan-out skips it (recorded on the event). On both
transports, against real loopback receivers."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from aiohttp import web
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import receiver_secret
from asyncevents_svc.subscriptions.verification import SKIP_REASON
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import TOKEN, event_when, eventually, publish, subscribe
from tests.support.keys import bearer
from tests.support.loopback import on_loopback
from tests.support.receiver import Receiver
from tests.support.verifying import runtime  # noqa: F401 - the fixture: endpoints are verified


async def subscription(api: httpx.AsyncClient, sub: dict[str, Any]) -> dict[str, Any]:
    found = await api.get(f"/v1/subscriptions/{sub['subscription_id']}")
    assert found.status_code == 200, found.text
    return found.json()  # type: ignore[no-any-return]


async def until(api: httpx.AsyncClient, sub: dict[str, Any], **wanted: Any) -> dict[str, Any]:
    """The subscription once ``status`` / the verification ``state`` are as wanted."""
    seen: dict[str, Any] = {}

    async def check() -> bool:
        nonlocal seen
        seen = await subscription(api, sub)
        state = (seen["verification"] or {}).get("state")
        return all(seen.get(k) == v if k == "status" else state == v for k, v in wanted.items())

    await eventually(check)
    return seen


async def test_an_echoing_endpoint_is_activated_and_then_gets_events(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/echo", "example.ping")
    assert sub["status"] == "unverified"
    assert sub["verification"]["state"] == "pending"

    [challenge] = await receiver.wait_for(1, path="/echo")
    active = await until(api, sub, status="active", state="verified")

    body = Webhook(receiver_secret(TOKEN)).verify(challenge.body, challenge.headers)
    assert body["type"] == "endpoint.verification"
    assert len(body["challenge"]) >= 32
    assert challenge.headers["x-asyncevents-event"] == "endpoint.verification"
    assert active["verification"]["attempts"] == 1
    assert active["verification"]["verified_at"] is not None
    listed = (await api.get("/v1/subscriptions")).text
    assert body["challenge"] not in listed + json.dumps(active)

    await publish(api, "example.ping", arguments={"n": 1})
    [_, delivered] = await receiver.wait_for(2, path="/echo")
    assert json.loads(delivered.body) == {"data": {"n": 1}}


@pytest.mark.parametrize("path", ["/ok", "/status/500"])
async def test_an_endpoint_that_does_not_echo_stays_unverified_and_gets_no_events(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver, path: str
) -> None:
    sub = await subscribe(api, receiver.url + path, "example.ping")
    event = await publish(api, "example.ping", arguments={"n": 1})

    expired = await until(api, sub, status="unverified", state="expired")

    assert expired["verification"]["attempts"] == 3  # the first and two retries
    assert expired["verification"]["next_attempt_at"] is None
    assert "expired after 3 challenge(s)" in expired["verification"]["last_error"]
    assert ("answered 500" if path.startswith("/status") else "without the challenge") in expired[
        "verification"
    ]["last_error"]
    trace = await event_when(api, event["id"], lambda e: e["status"] == "dispatched")
    assert trace["deliveries"] == []
    assert trace["skipped"] == [{"subscription_id": sub["subscription_id"], "reason": SKIP_REASON}]
    requests = receiver.on(path)
    assert len(requests) == 3
    assert all(json.loads(r.body)["type"] == "endpoint.verification" for r in requests)
    assert len({json.loads(r.body)["challenge"] for r in requests}) == 3  # a new one each time


async def test_a_changed_recipient_is_unverified_again_and_challenged_there(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/echo", "example.ping")
    await until(api, sub, status="active")

    moved = await api.patch(
        f"/v1/subscriptions/{sub['subscription_id']}", json={"recipient_url": f"{receiver.url}/ok"}
    )

    assert moved.status_code == 200
    assert moved.json()["status"] == "unverified"
    assert moved.json()["verification"]["verified_at"] is None
    await receiver.wait_for(1, path="/ok")
    await until(api, sub, status="unverified", state="expired")
    # Setting it active by hand does not skip the verification.
    forced = await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"status": "active"})
    assert forced.json()["status"] == "unverified"


async def test_an_echo_of_another_subscriptions_challenge_verifies_nothing(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    first = await subscribe(api, f"{receiver.url}/echo", "example.ping")
    [theirs] = await receiver.wait_for(1, path="/echo")
    await until(api, first, status="active")

    async def answer(_: web.Request) -> web.Response:  # every challenge: the first one's
        return web.Response(body=theirs.body)

    parrot = web.Application()
    parrot.router.add_post("/", answer)

    async with on_loopback(parrot) as url:
        second = await subscribe(api, url + "/", "example.ping")
        failed = await until(api, second, state="expired")

    assert failed["status"] == "unverified"


async def test_the_challenge_is_sent_again_on_request_for_own_subscriptions_only(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", "example.ping")
    await until(api, sub, state="expired")
    sid = sub["subscription_id"]

    again = await api.post(f"/v1/subscriptions/{sid}/verification")

    assert again.status_code == 202, again.text
    assert again.json()["verification"]["state"] == "pending"
    assert again.json()["verification"]["attempts"] == 0
    await receiver.wait_for(4, path="/ok")
    await until(api, sub, state="expired")
    # Another application's key does not reach it.
    assert (await api.post("/v1/applications", json={"uid": "pim", "name": "PIM"})).status_code == 201
    key = await api.post(
        "/v1/keys", json={"name": "pim", "scopes": ["subscriptions:write"], "application": "pim"}
    )
    hidden = await anonymous.post(f"/v1/subscriptions/{sid}/verification", headers=bearer(key.json()["key"]))
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == f"subscription {sid} does not exist"


async def test_a_verified_or_disabled_subscription_is_not_challenged_again(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    verified = await subscribe(api, f"{receiver.url}/echo", "example.ping")
    await until(api, verified, status="active")
    off = await subscribe(api, f"{receiver.url}/echo", "example.ping", status="disabled")
    assert off["verification"] is None

    for sub, word in ((verified, "verified"), (off, "enable it first")):
        refused = await api.post(f"/v1/subscriptions/{sub['subscription_id']}/verification")
        assert refused.status_code == 409
        assert word in refused.json()["detail"]

    enabled = await api.patch(f"/v1/subscriptions/{off['subscription_id']}", json={"status": "active"})
    assert enabled.json()["status"] == "unverified"  # never verified: enabling it starts a round
    await until(api, off, status="active")


async def test_a_magento_subscription_is_verified_too(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    body = {
        "asyncEvent": {
            "event_name": "example.ping",
            "recipient_url": f"{receiver.url}/ok",
            "verification_token": TOKEN,
            "metadata": "http",
        }
    }
    created = await api.post("/V1/async_event", json=body)
    assert created.status_code == 200, created.text

    [sub] = (await api.get("/v1/subscriptions")).json()["items"]
    assert sub["status"] == "unverified"
    await receiver.wait_for(1, path="/ok")
