"""Applications: the operator's CRUD, keys bound to one, and what deleting one ends."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from asyncevents_svc.db.models import ApiKey, Delivery, Subscription
from asyncevents_svc.runtime import Runtime
from tests.support.keys import bearer, key_with
from tests.support.rows import stored_delivery, stored_event


async def test_an_application_is_created_and_found_by_id_or_uid(api: httpx.AsyncClient) -> None:
    created = await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})

    assert created.status_code == 201
    body = created.json()
    assert set(body) == {"id", "uid", "name", "created_at"}
    assert (body["uid"], body["name"]) == ("erp", "ERP")
    assert (await api.get(f"/v1/applications/{body['id']}")).json() == body
    assert (await api.get("/v1/applications/erp")).json() == body


async def test_the_migration_made_the_default_application(api: httpx.AsyncClient) -> None:
    default = (await api.get("/v1/applications/default")).json()

    assert (default["id"], default["uid"]) == (1, "default")


async def test_a_uid_is_unique_and_url_safe(api: httpx.AsyncClient) -> None:
    await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})

    again = await api.post("/v1/applications", json={"uid": "erp", "name": "Other"})
    assert again.status_code == 409
    for bad in ("12", "has space", "a/b", "", "é", "x" * 65):
        refused = await api.post("/v1/applications", json={"uid": bad, "name": "n"})
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["loc"] == "uid"


async def test_applications_are_listed_by_cursor(api: httpx.AsyncClient) -> None:
    for n in range(3):
        await api.post("/v1/applications", json={"uid": f"app{n}", "name": f"App {n}"})

    first = (await api.get("/v1/applications", params={"limit": 2})).json()
    second = (await api.get("/v1/applications", params={"limit": 2, "cursor": first["next_cursor"]})).json()

    assert [a["uid"] for a in first["items"]] == ["default", "app0"]
    assert [a["uid"] for a in second["items"]] == ["app1", "app2"]
    assert second["next_cursor"] is None
    bad = await api.get("/v1/applications", params={"cursor": "nope"})
    assert bad.status_code == 422


async def test_an_application_is_renamed_but_default_keeps_its_uid(api: httpx.AsyncClient) -> None:
    await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})

    renamed = await api.patch("/v1/applications/erp", json={"uid": "erp2", "name": "ERP 2"})
    assert (renamed.json()["uid"], renamed.json()["name"]) == ("erp2", "ERP 2")
    assert (await api.get("/v1/applications/erp")).status_code == 404
    kept = await api.patch("/v1/applications/default", json={"uid": "other"})
    assert kept.status_code == 422
    assert kept.json()["errors"][0]["loc"] == "uid"


async def test_a_key_is_bound_to_an_application_by_uid(api: httpx.AsyncClient) -> None:
    await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})

    created = await api.post(
        "/v1/keys", json={"name": "erp", "scopes": ["deliveries:read"], "application": "erp"}
    )
    assert created.status_code == 201
    assert created.json()["application"] == "erp"
    listed = {k["name"]: k["application"] for k in (await api.get("/v1/keys")).json()["items"]}
    assert listed["erp"] == "erp"
    unknown = await api.post(
        "/v1/keys", json={"name": "x", "scopes": ["deliveries:read"], "application": "nope"}
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["loc"] == "application"


async def test_a_bound_key_cannot_hold_the_operators_scopes(api: httpx.AsyncClient) -> None:
    await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})

    for scope in ("admin", "metrics:read"):
        refused = await api.post("/v1/keys", json={"name": "x", "scopes": [scope], "application": "erp"})
        assert refused.status_code == 422, scope
        assert refused.json()["errors"][0]["loc"] == "scopes"


async def test_applications_are_managed_by_operator_keys_only(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})
    bound = (
        await api.post(
            "/v1/keys",
            json={
                "name": "erp",
                "scopes": ["subscriptions:write", "deliveries:replay"],
                "application": "erp",
            },
        )
    ).json()["key"]
    operator = await key_with(runtime, "subscriptions:write")

    for headers in (bearer(bound), bearer(operator)):
        assert (await anonymous.get("/v1/applications", headers=headers)).status_code == 403
        assert (await anonymous.post("/v1/keys", headers=headers, json={})).status_code == 403


async def test_deleting_an_application_ends_what_it_owns_and_keeps_its_history(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    app_id = (await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})).json()["id"]
    bound = (
        await api.post("/v1/keys", json={"name": "erp", "scopes": ["deliveries:read"], "application": "erp"})
    ).json()["key"]
    async with runtime.sessions() as session:
        kept = Subscription(event_name="e", recipient_url="http://x", token_encrypted="t")
        gone = Subscription(
            event_name="e", recipient_url="http://x", token_encrypted="t", application_id=app_id
        )
        session.add_all([kept, gone])
        await session.commit()
    event_id = await stored_event(runtime)
    pending = await stored_delivery(runtime, event_id, subscription_id=gone.id, application_id=app_id)
    other = await stored_delivery(runtime, event_id, subscription_id=kept.id)
    assert (await anonymous.get("/v1/deliveries", headers=bearer(bound))).status_code == 200

    assert (await api.delete("/v1/applications/erp")).status_code == 204

    assert (await api.get("/v1/applications/erp")).status_code == 404
    assert (await anonymous.get("/v1/deliveries", headers=bearer(bound))).status_code == 401
    async with runtime.sessions() as session:
        assert [s.id for s in await session.scalars(select(Subscription))] == [kept.id]
        statuses = {d.id: (d.status, d.status_reason) for d in await session.scalars(select(Delivery))}
        revoked = [
            k.revoked_at is not None
            for k in await session.scalars(select(ApiKey).where(ApiKey.name == "erp"))
        ]
    assert statuses[pending] == ("cancelled", "application 'erp' was deleted")
    assert statuses[other][0] == "pending"
    assert revoked == [True]


async def test_the_default_application_cannot_be_deleted(api: httpx.AsyncClient) -> None:
    assert (await api.delete("/v1/applications/default")).status_code == 409
    assert (await api.get("/v1/applications/default")).status_code == 200
