"""The admin console, in-process: sign-in with an API key (an encrypted, HttpOnly,
SameSite=Strict cookie that never holds the key in clear), each page, each action going
through the API with the key's scopes, and the refusals (no cookie, a tampered one, a
cross-site post). The same flow runs in a real browser in tests/console/test_browser.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import eventually, publish, subscribe
from tests.support.keys import key_with
from tests.support.receiver import Receiver

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client of the console, not signed in."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


async def sign_in(browser: httpx.AsyncClient, key: str) -> httpx.Response:
    return await browser.post("/admin/login", data={"key": key}, headers=FORM)


@pytest.fixture
async def console(browser: httpx.AsyncClient, admin_headers: dict[str, str]) -> httpx.AsyncClient:
    """The console signed in with an admin key."""
    response = await sign_in(browser, admin_headers["Authorization"].removeprefix("Bearer "))
    assert response.status_code == 303
    return browser


async def test_pages_need_a_sign_in(browser: httpx.AsyncClient) -> None:
    for path in (
        "/admin/subscriptions",
        "/admin/deliveries",
        "/admin/dead",
        "/admin/subscriptions/new",
        "/admin/events",
        "/admin/keys",
        "/admin/signing-keys",
    ):
        response = await browser.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/admin/login")
    login = await browser.get("/admin/login")
    assert login.status_code == 200
    assert "API key" in login.text


async def test_a_wrong_key_is_refused_and_a_right_one_sets_a_sealed_cookie(
    browser: httpx.AsyncClient, admin_headers: dict[str, str]
) -> None:
    refused = await sign_in(browser, "ae_nope_nope")
    assert refused.status_code == 401
    assert "unknown, revoked or expired" in refused.text

    key = admin_headers["Authorization"].removeprefix("Bearer ")
    accepted = await sign_in(browser, key)

    assert accepted.status_code == 303
    cookie = accepted.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Path=/admin" in cookie
    assert key not in cookie
    assert key.split("_", 2)[2] not in cookie  # nor its secret part
    assert (await browser.get("/admin/subscriptions")).status_code == 200


async def test_a_tampered_cookie_or_a_revoked_key_signs_out(
    console: httpx.AsyncClient, api: httpx.AsyncClient, runtime: Runtime
) -> None:
    key = await key_with(runtime, "subscriptions:read")
    await sign_in(console, key)
    assert (await console.get("/admin/subscriptions")).status_code == 200
    [listed] = [k for k in (await api.get("/v1/keys")).json()["items"] if k["name"] == "t"]
    await api.delete(f"/v1/keys/{listed['id']}")
    assert (await console.get("/admin/subscriptions")).status_code == 303

    console.cookies.set("asyncevents_console", "gAAAAAtampered", domain="api.test", path="/admin")
    assert (await console.get("/admin/subscriptions")).status_code == 303


async def test_console_pages_carry_a_strict_content_security_policy(console: httpx.AsyncClient) -> None:
    response = await console.get("/admin/subscriptions")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-frame-options"] == "DENY"
    assert (await console.get("/admin/static/console.js")).status_code == 200


async def test_a_cross_site_form_post_is_refused(console: httpx.AsyncClient) -> None:
    response = await console.post(
        "/admin/subscriptions/bulk-status",
        content="ids=1&status=disabled",
        headers=FORM | {"origin": "https://evil.example"},
    )
    assert response.status_code == 403


async def test_create_edit_and_mass_disable_subscriptions(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    form = {
        "event_name": "example.ping",
        "metadata": "http",
        "recipient_url": f"{receiver.url}/ok",
        "store_id": "0",
        "status": "active",
        "payload_format": "data",
        "description": "from the console",
        "verification_token": "",
    }
    blank = await console.get("/admin/subscriptions/new")
    assert blank.status_code == 200
    assert '<option value="example.ping">' in blank.text  # events from the catalogue
    created = await console.post("/admin/subscriptions/new", data=form, headers=FORM)
    assert created.status_code == 200
    assert "shown <strong>only now</strong>" in created.text
    [sub] = (await api.get("/v1/subscriptions", params={"event_name": "example.ping"})).json()["items"]
    token = re.search(r'<code class="secret">([^<]+)</code>', created.text)
    assert token is not None
    assert len(token.group(1)) >= 32

    listing = await console.get("/admin/subscriptions", params={"event_name": "example.ping"})
    assert f'value="{sub["subscription_id"]}"' in listing.text
    assert "from the console" not in listing.text  # descriptions live on the form, not the grid

    edit = await console.get(f"/admin/subscriptions/{sub['subscription_id']}")
    assert "from the console" in edit.text
    saved = await console.post(
        f"/admin/subscriptions/{sub['subscription_id']}",
        data=form | {"description": "edited", "store_id": "3"},
        headers=FORM,
    )
    assert saved.status_code == 303
    shown = (await api.get(f"/v1/subscriptions/{sub['subscription_id']}")).json()
    assert (shown["description"], shown["store_id"]) == ("edited", 3)

    other = await subscribe(api, f"{receiver.url}/ok", "example.ping")
    ids = f"ids={sub['subscription_id']}&ids={other['subscription_id']}&status=disabled"
    bulk = await console.post("/admin/subscriptions/bulk-status", content=ids, headers=FORM)
    assert bulk.status_code == 303
    assert "2 subscriptions now disabled." in (await console.get(bulk.headers["location"])).text
    statuses = {s["status"] for s in (await api.get("/v1/subscriptions")).json()["items"]}
    assert statuses == {"disabled"}


async def test_a_bad_form_shows_the_apis_error_beside_the_field(
    console: httpx.AsyncClient, receiver: Receiver
) -> None:
    form = {"event_name": "no.such.event", "metadata": "http", "recipient_url": f"{receiver.url}/ok"}
    response = await console.post("/admin/subscriptions/new", data=form, headers=FORM)
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "no.such.event" in response.text


async def test_a_key_without_the_scope_sees_the_apis_refusal(
    browser: httpx.AsyncClient, runtime: Runtime
) -> None:
    await sign_in(browser, await key_with(runtime, "deliveries:read"))
    response = await browser.get("/admin/subscriptions")
    assert response.status_code == 200
    assert "lacks the scope &#39;subscriptions:read&#39;" in response.text  # the API's 403, escaped
    assert (await browser.get("/admin/deliveries")).status_code == 200


async def test_the_delivery_log_the_trace_and_replay(
    console: httpx.AsyncClient, api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", "example.ping")
    await publish(api, "example.ping", arguments={"customer_email": "roni@example.com"})
    await receiver.wait_for(1)

    async def delivered() -> bool:
        found = (await api.get("/v1/deliveries", params={"subscription_id": sub["subscription_id"]})).json()
        return bool(found["items"]) and found["items"][0]["status"] == "delivered"

    await eventually(delivered)
    log = await console.get("/admin/deliveries", params={"q": "data.customer_email:roni*"})
    assert log.status_code == 200
    match = re.search(r'href="/admin/deliveries/([0-9a-f-]{36})"', log.text)
    assert match is not None
    delivery_id = match.group(1)
    bad = await console.get("/admin/deliveries", params={"q": "data.x:("})
    assert 'role="alert"' in bad.text

    trace = await console.get(f"/admin/deliveries/{delivery_id}")
    assert "roni@example.com" in trace.text
    assert "<meter" in trace.text
    assert ">200<" in trace.text

    replayed = await console.post(f"/admin/deliveries/{delivery_id}/replay", headers=FORM)
    assert replayed.status_code == 303
    assert "Replay queued" in (await console.get(replayed.headers["location"])).text
    await receiver.wait_for(2)


async def test_dead_letters_are_counted_then_replayed_in_bulk(
    console: httpx.AsyncClient, api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/status/400", "example.ping")
    for n in range(3):
        await publish(api, "example.ping", arguments={"n": n})

    async def all_dead() -> bool:
        found = (await api.get("/v1/deliveries", params={"status": "dead"})).json()["items"]
        return len(found) == 3

    await eventually(all_dead)
    page = await console.get("/admin/dead", params={"subscription_id": sub["subscription_id"]})
    assert re.search(r'data-testid="dead-count">3<', page.text)

    started = await console.post(
        "/admin/dead/replay", data={"subscription_id": str(sub["subscription_id"])}, headers=FORM
    )
    assert started.status_code == 303
    job_page = started.headers["location"]
    assert job_page.startswith("/admin/replays/")

    async def replayed() -> bool:
        return 'data-testid="replay-status">done<' in (await console.get(job_page)).text

    await eventually(replayed)
    await receiver.wait_for(6)  # each of the three sent again
