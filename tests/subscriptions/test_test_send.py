"""Test sends and an endpoint's last day: ``POST /v1/subscriptions/{id}/test`` delivers the
catalogue's example payload to that one subscription through the worker, signed as usual;
``GET /v1/subscriptions/{id}/health`` counts the last 24 hours. A key bound to an application
reaches only its own application's subscriptions (another's is a 404)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import httpx
from sqlalchemy import insert, select, update
from standardwebhooks import Webhook

from asyncevents_svc.db.models import Application, Attempt, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.signing import receiver_secret
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import TOKEN, subscribe
from tests.support.keys import bearer
from tests.support.receiver import Receiver
from tests.support.rows import stored_delivery, stored_event


async def bound_key(api: httpx.AsyncClient, uid: str, *scopes: str) -> str:
    assert (await api.post("/v1/applications", json={"uid": uid, "name": uid})).status_code == 201
    created = await api.post("/v1/keys", json={"name": uid, "scopes": list(scopes), "application": uid})
    assert created.status_code == 201, created.text
    return str(created.json()["key"])


async def move_to(runtime: Runtime, subscription_id: int, uid: str) -> None:
    """Put a subscription in an application (the routes that create in the caller's
    application are another part of #16)."""
    async with runtime.sessions() as session, session.begin():
        app_id = await session.scalar(select(Application.id).where(Application.uid == uid))
        await session.execute(
            update(Subscription).where(Subscription.id == subscription_id).values(application_id=app_id)
        )


async def test_a_test_send_delivers_the_example_payload_to_that_subscription_only(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    target = await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    other = await subscribe(api, f"{receiver.url}/other", event="example.ping")

    sent = await api.post(f"/v1/subscriptions/{target['subscription_id']}/test")

    assert sent.status_code == 202, sent.text
    body = sent.json()
    assert (body["event_name"], body["payload"]) == ("example.ping", {"ping": True, "order": 42})
    [request] = await receiver.wait_for(1, path="/ok")
    assert json.loads(request.body) == {"data": {"ping": True, "order": 42}}
    Webhook(receiver_secret(TOKEN)).verify(request.body, request.headers)
    assert request.headers["webhook-id"] == body["delivery_id"]
    trace = (await api.get(f"/v1/events/{body['event_id']}")).json()
    assert trace["source"] == "test"
    assert [d["subscription_id"] for d in trace["deliveries"]] == [target["subscription_id"]]
    assert receiver.on("/other") == []
    assert other["subscription_id"] != target["subscription_id"]


async def test_a_pattern_is_tested_with_the_first_event_it_matches(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", event="sales.order.*")

    sent = (await api.post(f"/v1/subscriptions/{sub['subscription_id']}/test")).json()

    assert sent["event_name"] == "sales.order.created"
    [request] = await receiver.wait_for(1)
    # No <example> in the test catalogue: made up from the service's return type.
    assert json.loads(request.body) == {"data": {"entity_id": 0, "increment_id": "string"}}


async def test_a_disabled_subscription_is_not_tested(api: httpx.AsyncClient) -> None:
    sub = await subscribe(api, "http://127.0.0.1:9/x", event="example.ping", status="disabled")

    refused = await api.post(f"/v1/subscriptions/{sub['subscription_id']}/test")

    assert refused.status_code == 409
    assert "disabled" in refused.json()["detail"]


async def test_a_bound_key_tests_and_reads_only_its_own_applications_subscriptions(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    key = bearer(await bound_key(api, "erp", "subscriptions:write", "deliveries:read"))
    await api.post("/v1/applications", json={"uid": "pim", "name": "PIM"})
    own = await subscribe(api, "http://127.0.0.1:9/own", event="example.ping")
    theirs = await subscribe(api, "http://127.0.0.1:9/theirs", event="example.ping")
    await move_to(runtime, own["subscription_id"], "erp")
    await move_to(runtime, theirs["subscription_id"], "pim")

    for path in ("test", "health"):
        method = "POST" if path == "test" else "GET"
        hidden = await anonymous.request(
            method, f"/v1/subscriptions/{theirs['subscription_id']}/{path}", headers=key
        )
        assert hidden.status_code == 404, path
        assert hidden.json()["detail"] == f"subscription {theirs['subscription_id']} does not exist"
        mine = await anonymous.request(
            method, f"/v1/subscriptions/{own['subscription_id']}/{path}", headers=key
        )
        assert mine.status_code in (200, 202), (path, mine.text)
    missing = await anonymous.post("/v1/subscriptions/999/test", headers=key)
    assert missing.json()["detail"] == hidden.json()["detail"].replace(str(theirs["subscription_id"]), "999")


async def test_health_counts_the_last_day_and_shows_the_last_error(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    sub = await subscribe(api, "http://127.0.0.1:9/x", event="example.ping")
    sid = sub["subscription_id"]
    empty = (await api.get(f"/v1/subscriptions/{sid}/health")).json()
    assert (empty["attempts"], empty["success_rate"], empty["last_error"]) == (0, None, None)

    event = await stored_event(runtime, status="dispatched", payload={})
    recent = await stored_delivery(runtime, event, subscription_id=sid)
    old = await stored_delivery(runtime, event, subscription_id=sid, created_at=_days_ago(2))
    async with runtime.sessions() as session, session.begin():
        for number, (delivery, success, code, when) in enumerate(
            [
                (recent, True, 200, _hours_ago(3)),
                (recent, False, 500, _hours_ago(2)),
                (recent, False, 503, _hours_ago(1)),
                (recent, True, 200, _hours_ago(0.5)),
                (old, False, 400, _days_ago(2)),  # outside the window: not counted
            ],
            start=1,
        ):
            await session.execute(
                insert(Attempt).values(
                    delivery_id=delivery,
                    number=number,
                    started_at=when,
                    duration_ms=1.0,
                    success=success,
                    retryable=True,
                    status_code=code,
                    response=f"answered {code}",
                )
            )

    health = (await api.get(f"/v1/subscriptions/{sid}/health")).json()

    assert (health["attempts"], health["succeeded"], health["success_rate"]) == (4, 2, 0.5)
    assert health["deliveries"] == 1
    assert health["limited"] is False
    assert (health["last_error"]["status_code"], health["last_error"]["response"]) == (503, "answered 503")


def _hours_ago(hours: float) -> datetime:
    return utcnow() - timedelta(hours=hours)


def _days_ago(days: float) -> datetime:
    return _hours_ago(24 * days)
