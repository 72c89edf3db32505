"""A deleted subscription's id is never given to another subscription, and a delivery is
never sent to (or counted for) a subscription of another application that holds its id.

SQLite reused the highest rowid after a delete: a tenant's new endpoint took the id of
another tenant's deleted one, whose history its health showed and whose replay went to the
new recipient (migration 0015 rebuilt the table with AUTOINCREMENT). The claim, the replay
and the health read also check the application, whatever gave the id.
"""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import update

from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.models import Delivery
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries import repository
from asyncevents_svc.runtime import Runtime
from tests.support.keys import bearer, key_with
from tests.support.rows import failed_attempt, stored_delivery, stored_event

BOUND = ["subscriptions:read", "subscriptions:write", "deliveries:read", "deliveries:replay"]


async def two_tenants(api: httpx.AsyncClient, runtime: Runtime) -> tuple[dict[str, int], str, str]:
    ids = {}
    for uid in ("erp", "pim"):
        ids[uid] = (await api.post("/v1/applications", json={"uid": uid, "name": uid})).json()["id"]
    return (
        ids,
        await key_with(runtime, *BOUND, application_id=ids["erp"]),
        await key_with(runtime, *BOUND, application_id=ids["pim"]),
    )


async def endpoint(api: httpx.AsyncClient, key: str, url: str) -> int:
    created = await api.post(
        "/v1/subscriptions", headers=bearer(key), json={"event_name": "example.ping", "recipient_url": url}
    )
    assert created.status_code == 201, created.text
    return int(created.json()["subscription_id"])


async def dead_delivery(runtime: Runtime, subscription_id: int, application_id: int) -> uuid.UUID:
    event_id = await stored_event(
        runtime, status="dispatched", payload={"of": "erp"}, application_id=application_id
    )
    delivery_id = await stored_delivery(
        runtime,
        event_id,
        subscription_id=subscription_id,
        application_id=application_id,
        status="dead",
        attempts=1,
    )
    await failed_attempt(runtime, delivery_id, response="ERP-PRIVATE-RESPONSE")
    return delivery_id


async def test_a_deleted_subscriptions_id_is_never_given_again(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    _, erp, pim = await two_tenants(api, runtime)
    first = await endpoint(api, erp, "https://example.com/a")
    assert (await api.delete(f"/v1/subscriptions/{first}", headers=bearer(erp))).status_code == 204

    second = await endpoint(api, pim, "https://example.com/b")

    assert second > first


async def test_a_delivery_is_never_sent_to_nor_shown_for_another_applications_subscription_of_its_id(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    ids, erp, pim = await two_tenants(api, runtime)
    pims = await endpoint(api, pim, "https://example.com/b")
    # An erp delivery naming pim's subscription id: what a reused id (or a restored backup) leaves.
    dead = await dead_delivery(runtime, pims, ids["erp"])

    health = await api.get(f"/v1/subscriptions/{pims}/health", headers=bearer(pim))
    assert health.status_code == 200
    assert "ERP-PRIVATE-RESPONSE" not in health.text
    replay = await api.post(f"/v1/deliveries/{dead}/replay", headers=bearer(erp))
    assert replay.status_code == 409, replay.text
    bulk = await api.post("/v1/replays", headers=bearer(erp), json={"status": ["dead"], "dry_run": True})
    assert bulk.json()["count"] == 0
    # Due anyway (a replay from before this check): the claim cancels it instead of sending.
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Delivery).where(Delivery.id == dead).values(status="retrying", next_attempt_at=utcnow())
        )
    claim = await repository.claim_due(runtime.sessions, Lease(30.0), 10)
    assert (claim.claimed, claim.jobs) == (1, [])
