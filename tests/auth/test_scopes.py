"""API keys: 401 without a good key, 403 without the scope, each scope exactly its routes."""

from __future__ import annotations

import subprocess
import uuid
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import select, update

from asyncevents_svc.app import create_app
from asyncevents_svc.auth import bootstrap as bootstrapping
from asyncevents_svc.auth import keys
from asyncevents_svc.auth.bootstrap import ensure_admin
from asyncevents_svc.auth.scopes import ALL
from asyncevents_svc.db.models import ApiKey
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from tests.support.keys import bearer, key_with
from tests.support.routes import PUBLIC, app_routes

ANY = str(uuid.uuid4())
#: One request per route and the scope it needs.
ROUTES: list[tuple[str, str, str]] = [
    ("POST", "/v1/events", "events:publish"),
    ("POST", "/v1/events/batch", "events:publish"),
    ("GET", "/v1/events", "deliveries:read"),
    ("GET", f"/v1/events/{ANY}", "deliveries:read"),
    ("GET", "/v1/subscriptions", "subscriptions:read"),
    ("GET", "/v1/subscriptions/1", "subscriptions:read"),
    ("POST", "/v1/subscriptions", "subscriptions:write"),
    ("PATCH", "/v1/subscriptions/1", "subscriptions:write"),
    ("DELETE", "/v1/subscriptions/1", "subscriptions:write"),
    ("POST", "/v1/subscriptions/bulk-status", "subscriptions:write"),
    ("POST", "/v1/subscriptions/1/test", "subscriptions:write"),
    ("POST", "/v1/subscriptions/1/verification", "subscriptions:write"),
    ("GET", "/v1/subscriptions/1/health", "deliveries:read"),
    ("GET", "/v1/event-types", "subscriptions:read"),
    ("GET", "/v1/notifiers", "subscriptions:read"),
    ("GET", "/v1/deliveries", "deliveries:read"),
    ("GET", f"/v1/deliveries/{ANY}", "deliveries:read"),
    ("POST", f"/v1/deliveries/{ANY}/replay", "deliveries:replay"),
    ("POST", "/v1/replays", "deliveries:replay"),
    ("GET", f"/v1/replays/{ANY}", "deliveries:read"),
    ("GET", "/v1/stats/deliveries", "deliveries:read"),
    ("GET", "/v1/keys", "admin"),
    ("POST", "/v1/keys", "admin"),
    ("DELETE", f"/v1/keys/{ANY}", "admin"),
    ("GET", "/v1/applications", "admin"),
    ("POST", "/v1/applications", "admin"),
    ("GET", "/v1/applications/default", "admin"),
    ("PATCH", "/v1/applications/default", "admin"),
    ("DELETE", "/v1/applications/default", "admin"),
    ("POST", "/v1/applications/default/portal-sessions", "admin"),
    ("DELETE", "/v1/applications/default/portal-sessions", "admin"),
    ("GET", "/V1/async_event/1", "subscriptions:read"),
    ("GET", "/V1/async_events?searchCriteria=", "subscriptions:read"),
    ("POST", "/V1/async_event", "subscriptions:write"),
    ("PUT", "/V1/async_event/1", "subscriptions:write"),
    ("GET", "/rest/V1/async_event/1", "subscriptions:read"),
    ("GET", "/rest/V1/async_events?searchCriteria=", "subscriptions:read"),
    ("POST", "/rest/V1/async_event", "subscriptions:write"),
    ("PUT", "/rest/V1/async_event/1", "subscriptions:write"),
    ("GET", "/rest/default/V1/async_event/1", "subscriptions:read"),
    ("GET", "/rest/default/V1/async_events?searchCriteria=", "subscriptions:read"),
    ("POST", "/rest/default/V1/async_event", "subscriptions:write"),
    ("PUT", "/rest/default/V1/async_event/1", "subscriptions:write"),
    ("GET", "/metrics", "metrics:read"),
]


def test_every_route_is_listed_here_or_public(app: FastAPI) -> None:
    listed = {path.split("?")[0] for _, path, _ in ROUTES}
    checked = 0
    for route in app_routes(app):
        if not route.api or route.path in PUBLIC:
            continue
        for method in route.methods:
            checked += 1
            concrete = (
                route.path.replace("{event_id}", ANY)
                .replace("{delivery_id}", ANY)
                .replace("{job_id}", ANY)
                .replace("{key_id}", ANY)
                .replace("{application}", "default")
                .replace("{subscription_id}", "1")
                .replace("{subscriptionId}", "1")
                .replace("{store_code}", "default")
            )
            assert any(m == method and p.split("?")[0] == concrete for m, p, _ in ROUTES) or (
                concrete in listed and method in {m for m, p, _ in ROUTES if p.split("?")[0] == concrete}
            ), f"{method} {route.path} has no scope test"
    assert checked >= len(ROUTES)  # the routes were found (FastAPI keeps included routers apart)


@pytest.mark.parametrize("scope", ALL)
async def test_each_scope_allows_exactly_its_routes(
    anonymous: httpx.AsyncClient, runtime: Runtime, scope: str
) -> None:
    headers = bearer(await key_with(runtime, scope))

    for method, path, needed in ROUTES:
        response = await anonymous.request(method, path, headers=headers, json={})
        allowed = scope in (needed, "admin")
        assert (response.status_code != 403) is allowed, (scope, method, path, response.status_code)
        assert response.status_code != 401


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer ae_000000000000_nope", "Bearer short"],
)
async def test_a_missing_or_unknown_key_is_401_problem(
    anonymous: httpx.AsyncClient, authorization: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await anonymous.get("/v1/subscriptions", headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_magento_routes_answer_401_in_magento_shape(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get("/V1/async_event/1")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "parameters"}


async def test_health_and_docs_need_no_key(anonymous: httpx.AsyncClient) -> None:
    for path in ("/health/live", "/openapi.json", "/docs", "/v1/signing-keys"):
        assert (await anonymous.get(path)).status_code == 200


async def test_revoked_and_expired_keys_are_401(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    created = (await api.post("/v1/keys", json={"name": "ci", "scopes": ["subscriptions:read"]})).json()
    key = created["key"]
    assert (await anonymous.get("/v1/subscriptions", headers=bearer(key))).status_code == 200

    assert (await api.delete(f"/v1/keys/{created['id']}")).status_code == 204
    assert (await anonymous.get("/v1/subscriptions", headers=bearer(key))).status_code == 401

    expired = await key_with(runtime, "subscriptions:read", expires_at=utcnow() - timedelta(seconds=1))
    assert (await anonymous.get("/v1/subscriptions", headers=bearer(expired))).status_code == 401


async def test_keys_are_listed_without_the_secret_and_stored_hashed(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    created = (await api.post("/v1/keys", json={"name": "erp", "scopes": ["events:publish"]})).json()

    listing = await api.get("/v1/keys")

    assert created["key"].startswith(f"ae_{created['prefix']}_")
    assert created["key"] not in listing.text
    assert {"erp", "tests"} <= {item["name"] for item in listing.json()["items"]}
    async with runtime.engine.connect() as connection:
        dumped = str((await connection.exec_driver_sql("SELECT * FROM api_keys")).all())
    assert created["key"] not in dumped
    bad = await api.post("/v1/keys", json={"name": "x", "scopes": ["root"]})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == "scopes"


async def test_the_bootstrap_key_works_once_and_only_when_no_admin_exists(
    settings: Settings, runtime: Runtime
) -> None:
    bootstrap = "ae_1dbe30f5eeaa_IrbhrPs1OXdOiUKqy6WWKUwkyp6jWqxxWPuHPgJq7aA"
    with_bootstrap = settings.model_copy(update={"bootstrap_admin_key": SecretStr(bootstrap)})

    async def status_with(key: str) -> int:
        app = create_app(with_bootstrap, runtime)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                return (await client.get("/v1/keys", headers=bearer(key))).status_code

    assert await status_with(bootstrap) == 200  # no admin yet: created at start-up
    async with runtime.sessions() as session:
        await session.execute(update(ApiKey).values(revoked_at=utcnow()))
        await session.commit()
        for key_id in (await session.scalars(select(ApiKey.id))).all():
            runtime.keys.forget(key_id)
    assert await status_with(bootstrap) == 401  # revoked, and never created again


async def test_the_bootstrap_key_is_not_created_when_an_admin_exists(runtime: Runtime) -> None:
    await key_with(runtime, "admin")
    bootstrap = "ae_f18dea19665e_D4Llg0YA18whnF9ZXK7dghZFcS08nTTaal2kIUs6SN0"

    await ensure_admin(runtime.sessions, bootstrap_key=bootstrap, generate=False)

    assert await runtime.keys.verify(bootstrap) is None


@pytest.mark.parametrize(
    "bootstrap",
    [
        "a" * 32,
        "a-bootstrap-admin-key-of-at-least-32-characters",
        "ae_0123456789ab_" + "a" * 43,
        "ae_0123456789ab_" + "xy" * 22,
        "ae_0123456789ab_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq",
        "ae_0123456789AB_IrbhrPs1OXdOiUKqy6WWKUwkyp6jWqxxWPuHPgJq7aA",  # upper-case prefix
    ],
    ids=["32-a", "a-phrase", "repeated", "two-characters", "alphabet", "not-hex"],
)
def test_a_bootstrap_key_that_is_not_a_generated_one_stops_the_api_being_built(
    settings: Settings, runtime: Runtime, bootstrap: str
) -> None:
    weak = settings.model_copy(update={"bootstrap_admin_key": SecretStr(bootstrap)})

    refusal = bootstrapping.BootstrapKeyError
    with pytest.raises(refusal, match=r"^ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY ") as refused:
        create_app(weak, runtime)

    assert bootstrap not in str(refused.value)
    assert "\n" not in str(refused.value)


async def test_the_documented_one_liner_prints_a_key_that_works_as_the_bootstrap_key(
    settings: Settings, runtime: Runtime
) -> None:
    printed = subprocess.run(
        ["sh", "-c", keys.GENERATE_KEY], capture_output=True, text=True, check=True, timeout=30
    ).stdout.strip()
    app = create_app(settings.model_copy(update={"bootstrap_admin_key": SecretStr(printed)}), runtime)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            listed = await client.get("/v1/keys", headers=bearer(printed))

    assert listed.status_code == 200, listed.text
    assert [item["name"] for item in listed.json()["items"]] == ["bootstrap"]


async def test_subscribing_to_an_event_with_resources_needs_them(
    anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    body = {"event_name": "customer.created", "recipient_url": "https://example.com/h"}
    writer = bearer(await key_with(runtime, "subscriptions:write"))
    trusted = bearer(await key_with(runtime, "subscriptions:write", "Magento_Customer::manage"))

    refused = await anonymous.post("/v1/subscriptions", json=body, headers=writer)
    everything = await anonymous.post("/v1/subscriptions", json={**body, "event_name": "*"}, headers=writer)
    allowed = await anonymous.post("/v1/subscriptions", json=body, headers=trusted)
    magento = await anonymous.post(
        "/V1/async_event", json={"asyncEvent": {**body, "metadata": "http"}}, headers=writer
    )

    assert refused.status_code == 403
    assert "Magento_Customer::manage" in refused.json()["detail"]
    assert everything.status_code == 403
    assert allowed.status_code == 201
    assert magento.status_code == 403
    assert magento.json()["message"] == "The consumer isn't authorized to access %resources."


@pytest.mark.parametrize("dry_run", [True, False])
async def test_a_search_query_needs_deliveries_read_even_to_replay(
    anonymous: httpx.AsyncClient, runtime: Runtime, dry_run: bool
) -> None:
    """A count (or a job's progress) of what ``q`` matches reads the payloads it searched."""
    search = {"q": "data.email:roni*", "dry_run": dry_run}
    replayer = bearer(await key_with(runtime, "deliveries:replay"))
    reader = bearer(await key_with(runtime, "deliveries:replay", "deliveries:read"))

    refused = await anonymous.post("/v1/replays", json=search, headers=replayer)
    without_q = await anonymous.post("/v1/replays", json={"dry_run": dry_run}, headers=replayer)
    allowed = await anonymous.post("/v1/replays", json=search, headers=reader)

    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "deliveries:read" in refused.json()["detail"]
    assert refused.json()["errors"][0]["loc"] == "q"
    assert without_q.status_code == allowed.status_code == (200 if dry_run else 202)
