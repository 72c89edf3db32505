"""Console sessions live in the database: signing out (or revoking the key) ends a session
in every API process, so a copied cookie stops working at once — here and in a second app
on the same database — and the worker's maintenance removes expired sessions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select, update

from asyncevents_svc.app import create_app
from asyncevents_svc.console.session import COOKIE
from asyncevents_svc.db.models import WebSession
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import maintenance_for
from tests.support.keys import key_with

FORM = {"content-type": "application/x-www-form-urlencoded"}
PAGE = "/admin/subscriptions"


@asynccontextmanager
async def browser_of(app: FastAPI, cookie: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of ``app``, holding ``cookie`` if given (a copy of someone's)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        if cookie is not None:
            client.cookies.set(COOKIE, cookie, domain="api.test", path="/admin")
        yield client


@asynccontextmanager
async def another_instance(settings: Settings) -> AsyncIterator[FastAPI]:
    """A second API process: its own runtime (and key cache) on the same database."""
    replica = create_app(settings, build_runtime(settings))
    async with replica.router.lifespan_context(replica):
        yield replica


async def signed_in_cookie(browser: httpx.AsyncClient, key: str) -> str:
    assert (await browser.post("/admin/login", data={"key": key}, headers=FORM)).status_code == 303
    cookie = browser.cookies.get(COOKIE)
    assert cookie
    return cookie


def sent_to_sign_in(response: httpx.Response) -> bool:
    return response.status_code == 303 and response.headers["location"].startswith("/admin/login")


async def test_after_sign_out_a_copied_cookie_is_refused_here_and_in_another_instance(
    app: FastAPI, settings: Settings, admin_headers: dict[str, str]
) -> None:
    key = admin_headers["Authorization"].removeprefix("Bearer ")
    async with browser_of(app) as browser, another_instance(settings) as replica:
        copied = await signed_in_cookie(browser, key)
        async with browser_of(app, copied) as thief, browser_of(replica, copied) as thief_elsewhere:
            assert (await thief.get(PAGE)).status_code == 200
            assert (await thief_elsewhere.get(PAGE)).status_code == 200  # the replica knows it too

            signed_out = await browser.post("/admin/logout")
            assert sent_to_sign_in(signed_out)

            assert sent_to_sign_in(await thief.get(PAGE))
            assert sent_to_sign_in(await thief_elsewhere.get(PAGE))
        assert (await browser.post("/admin/login", data={"key": key}, headers=FORM)).status_code == 303
        assert (await browser.get(PAGE)).status_code == 200, "signing in again starts a new session"


async def test_revoking_the_key_ends_its_sessions_at_once_in_every_instance(
    app: FastAPI, api: httpx.AsyncClient, runtime: Runtime, settings: Settings
) -> None:
    key = await key_with(runtime, "subscriptions:read")
    async with browser_of(app) as browser, another_instance(settings) as replica:
        cookie = await signed_in_cookie(browser, key)
        async with browser_of(replica, cookie) as elsewhere:
            assert (await elsewhere.get(PAGE)).status_code == 200  # the replica now caches the key
            [listed] = [k for k in (await api.get("/v1/keys")).json()["items"] if k["name"] == "t"]
            assert (await api.delete(f"/v1/keys/{listed['id']}")).status_code == 204

            assert sent_to_sign_in(await browser.get(PAGE))
            assert sent_to_sign_in(await elsewhere.get(PAGE)), "not after the replica's key cache"


async def test_an_expired_session_is_refused_and_maintenance_removes_it(
    app: FastAPI, runtime: Runtime, admin_headers: dict[str, str]
) -> None:
    key = admin_headers["Authorization"].removeprefix("Bearer ")
    async with browser_of(app) as expiring, browser_of(app) as lasting:
        await signed_in_cookie(expiring, key)
        await signed_in_cookie(lasting, key)
        async with runtime.sessions() as session, session.begin():
            first = await session.scalar(select(WebSession.id).order_by(WebSession.created_at).limit(1))
            await session.execute(
                update(WebSession)
                .where(WebSession.id == first)
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )

        assert sent_to_sign_in(await expiring.get(PAGE))
        assert (await lasting.get(PAGE)).status_code == 200

        await maintenance_for(runtime).tick()

        async with runtime.sessions() as session:
            left = (await session.scalars(select(WebSession.id))).all()
        assert first not in left
        assert len(left) == 1
        assert (await lasting.get(PAGE)).status_code == 200
