"""The portal's session rules, in-process: a link opens once and only in time, its session
is a cookie over a key bound to the application that expires with it, and signing out,
ending the application's sessions or deleting the application ends it server-side (a
copied cookie stops working). The portal is framable only where the setting says."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from asyncevents_svc.app import create_app
from asyncevents_svc.applications import portal_sessions
from asyncevents_svc.db.models import ApiKey, WebSession
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.portal.session import COOKIE
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import PortalSettings, Settings
from tests.support.portal import follow, local

FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client of the portal, not signed in."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


async def portal_link(api: httpx.AsyncClient, uid: str = "erp", **body: object) -> str:
    """A fresh link into ``uid``'s portal (the application is made when missing); its path."""
    if (await api.get(f"/v1/applications/{uid}")).status_code == 404:
        assert (await api.post("/v1/applications", json={"uid": uid, "name": uid.upper()})).status_code == 201
    created = await api.post(f"/v1/applications/{uid}/portal-sessions", json=body)
    assert created.status_code == 201, created.text
    assert set(created.json()) == {"url", "expires_at"}
    return local(created.json()["url"])


async def test_a_link_opens_the_applications_portal_once(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    link = await portal_link(api)

    opened = await follow(browser, link)

    assert opened.status_code == 303
    assert opened.headers["location"] == "/portal/endpoints"
    cookie = opened.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "Path=/portal", "SameSite=strict", "Max-Age=3600"):
        assert attribute in cookie
    page = await browser.get("/portal/endpoints")
    assert page.status_code == 200
    assert "Webhooks · ERP" in page.text
    again = await follow(httpx.AsyncClient(transport=browser._transport, base_url="http://api.test"), link)
    assert again.status_code == 403
    assert "was used already, or has expired" in again.text


async def test_following_a_link_spends_nothing_and_another_site_cannot_spend_it(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    link = await portal_link(api)
    token = parse_qs(urlsplit(link).query)["token"][0]

    for _ in range(3):  # a link scanner, an unfurler, a preview
        assert (await browser.get(link)).status_code == 200
    cross_site = await browser.post(
        "/portal/open",
        data={"token": token},
        headers={"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    assert COOKIE not in browser.cookies
    # The positive control: the link still opens, from its own page.
    assert (await follow(browser, link)).status_code == 303


async def test_an_expired_or_unknown_link_is_refused(
    api: httpx.AsyncClient, browser: httpx.AsyncClient, runtime: Runtime
) -> None:
    link = await portal_link(api)
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))

    assert (await follow(browser, link)).status_code == 403
    assert (await follow(browser, "/portal/open?token=not-a-token")).status_code == 403
    assert COOKIE not in browser.cookies
    # The positive control: a link in time opens.
    assert (await follow(browser, await portal_link(api))).status_code == 303


async def test_the_session_key_is_bound_minimal_and_expires_with_the_session(
    api: httpx.AsyncClient, browser: httpx.AsyncClient, runtime: Runtime
) -> None:
    await follow(browser, await portal_link(api))

    async with runtime.sessions() as session:
        row = await session.scalar(select(WebSession).where(WebSession.kind == "portal"))
        assert row is not None
        key = await session.get(ApiKey, row.key_id)
    assert key is not None
    application = (await api.get("/v1/applications/erp")).json()
    assert key.application_id == application["id"]
    assert key.expires_at == row.expires_at
    assert set(key.scopes) == {
        "subscriptions:read",
        "subscriptions:write",
        "deliveries:read",
        "deliveries:replay",
        *runtime.catalogue.resources(),
    }


async def test_the_operator_may_grant_fewer_resources_but_none_unknown(api: httpx.AsyncClient) -> None:
    await portal_link(api, resources=[])
    refused = await api.post("/v1/applications/erp/portal-sessions", json={"resources": ["Nope::nothing"]})

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == "resources"
    missing = await api.post("/v1/applications/nobody/portal-sessions")
    assert missing.status_code == 404


async def test_signing_out_ends_the_session_and_revokes_its_key(
    api: httpx.AsyncClient, browser: httpx.AsyncClient, runtime: Runtime
) -> None:
    await follow(browser, await portal_link(api))
    copied = browser.cookies[COOKIE]

    signed_out = await browser.post("/portal/logout", headers=FORM)

    assert signed_out.status_code == 200
    transport = browser._transport
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as thief:
        thief.cookies.set(COOKIE, copied, path="/portal")
        assert (await thief.get("/portal/endpoints")).status_code == 401
    async with runtime.sessions() as session:
        keys = (await session.scalars(select(ApiKey).where(ApiKey.application_id.is_not(None)))).all()
    assert [key.revoked_at is not None for key in keys] == [True]


async def test_deleting_the_application_or_its_sessions_ends_them(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    await follow(browser, await portal_link(api, "erp"))
    unopened = await portal_link(api, "erp")
    assert (await browser.get("/portal/endpoints")).status_code == 200

    assert (await api.delete("/v1/applications/erp/portal-sessions")).status_code == 204

    assert (await browser.get("/portal/endpoints")).status_code == 401
    assert (await follow(browser, unopened)).status_code == 403

    await follow(browser, await portal_link(api, "pim"))
    unopened = await portal_link(api, "pim")
    assert (await browser.get("/portal/endpoints")).status_code == 200
    assert (await api.delete("/v1/applications/pim")).status_code == 204
    assert (await browser.get("/portal/endpoints")).status_code == 401
    assert (await follow(browser, unopened)).status_code == 403


async def test_a_cross_site_post_is_refused(api: httpx.AsyncClient, browser: httpx.AsyncClient) -> None:
    await follow(browser, await portal_link(api))

    refused = await browser.post(
        "/portal/endpoints/new",
        content="recipient_url=http://127.0.0.1:9/x&event_name=example.ping",
        headers={**FORM, "origin": "https://evil.example", "sec-fetch-site": "cross-site"},
    )

    assert refused.status_code == 403
    assert (await api.get("/v1/subscriptions")).json()["items"] == []


async def test_the_portal_is_not_framable_by_default(
    api: httpx.AsyncClient, browser: httpx.AsyncClient
) -> None:
    opened = await follow(browser, await portal_link(api))
    page = await browser.get("/portal/endpoints")

    for response in (opened, page):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"


async def test_embedding_names_the_frame_ancestors_and_makes_the_cookie_cross_site(
    settings: Settings, runtime: Runtime, admin_headers: dict[str, str]
) -> None:
    embedded = settings.model_copy(
        update={"portal": PortalSettings(frame_ancestors="https://app.example.com 'self'")}
    )
    app = create_app(embedded, runtime)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://api.test", headers=admin_headers
        ) as api:
            opened = await follow(api, await portal_link(api))
            api_answer = await api.get("/v1/applications")

    policy = opened.headers["content-security-policy"]
    assert "frame-ancestors https://app.example.com 'self'" in policy
    assert "script-src 'self'" in policy  # nothing else relaxed
    assert "x-frame-options" not in opened.headers
    for attribute in ("SameSite=none", "Secure", "Partitioned", "HttpOnly"):
        assert attribute in opened.headers["set-cookie"]
    # The API itself stays unframable.
    assert "frame-ancestors 'none'" in api_answer.headers["content-security-policy"]


@pytest.mark.parametrize("value", ["'self'; script-src *", "https://a.example, https://b.example", ""])
def test_frame_ancestors_cannot_add_directives(value: str) -> None:
    with pytest.raises(ValueError, match="CSP sources"):
        PortalSettings(frame_ancestors=value)


async def test_an_expired_portal_sessions_key_is_removed_and_a_live_ones_kept(
    api: httpx.AsyncClient, browser: httpx.AsyncClient, runtime: Runtime
) -> None:
    assert (await follow(browser, await portal_link(api))).status_code == 303  # expired below
    async with runtime.sessions() as session, session.begin():
        await session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    fresh = httpx.AsyncClient(transport=browser._transport, base_url="http://api.test")
    assert (await follow(fresh, await portal_link(api))).status_code == 303  # live
    before = await portal_keys(runtime)

    removed = await portal_sessions.remove_expired_keys(runtime.sessions, batch_size=1)

    assert removed == 1
    assert len(await portal_keys(runtime)) == len(before) - 1
    assert (await fresh.get("/portal/endpoints")).status_code == 200
    async with runtime.sessions() as session:
        kinds = [row.kind for row in await session.scalars(select(WebSession))]
    assert kinds == ["portal"], "the expired session went with its key"


async def portal_keys(runtime: Runtime) -> list[ApiKey]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(ApiKey).where(ApiKey.application_id.is_not(None))))
