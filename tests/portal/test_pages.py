"""The portal's pages in-process, each a call to the API with the session's key: the
catalogue, an endpoint's whole life (create with its secret once, edit, disable, rotate with
the overlap, delete), the delivery log's search, a failed delivery's replay after a dry-run
count. The browser test (test_browser.py) runs the same flow in Chromium."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from asyncevents_svc.db.models import Delivery, Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.runtime import Runtime
from tests.support.helpers import subscribe
from tests.support.portal import follow
from tests.support.rows import stored_delivery, stored_event

FORM = {"content-type": "application/x-www-form-urlencoded"}


NEW = {"recipient_url": "http://127.0.0.1:9/hook", "event_name": "example.ping", "payload_format": "data"}


@pytest.fixture
async def portal(app: FastAPI, api: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A browser signed into the portal of the application erp."""
    assert (await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})).status_code == 201
    url = (await api.post("/v1/applications/erp/portal-sessions")).json()["url"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api.test"
    ) as client:
        assert (await follow(client, url)).status_code == 303
        yield client


async def test_the_catalogue_shows_descriptions_schemas_and_examples(portal: httpx.AsyncClient) -> None:
    page = await portal.get("/portal/catalogue")

    assert page.status_code == 200
    assert "A ping to check that an endpoint receives webhooks." in page.text
    assert "&#34;order&#34;: 42" in page.text  # the example payload, escaped
    assert "Increment Id" in page.text  # a payload schema from the service's return type
    stock = page.text.split('id="stock.changed"')[1].split("</section>")[0]
    assert "(enforced: a payload that does not match is not delivered)" in stock  # its <schema>
    assert "&#34;minimum&#34;: 1" in stock
    assert "&#34;sku&#34;: &#34;24-MB01&#34;" in stock  # the schema's examples[0]
    assert "enforced" not in page.text.split('id="example.ping"')[1].split("</section>")[0]


async def test_an_endpoint_is_created_edited_disabled_rotated_and_deleted(
    portal: httpx.AsyncClient, runtime: Runtime
) -> None:
    created = await portal.post(
        "/portal/endpoints/new", data=NEW | {"headers": "X-Receiver: s3cret"}, headers=FORM
    )
    assert created.status_code == 200
    secret = re.search(r'data-testid="secret">([^<]+)<', created.text)
    assert secret is not None
    sub_id = int(re.search(r"Endpoint (\d+) created", created.text).group(1))  # type: ignore[union-attr]
    page = await portal.get(f"/portal/endpoints/{sub_id}")
    assert secret.group(1) not in page.text
    assert "s3cret" not in page.text
    assert "has X-Receiver" in page.text

    saved = await portal.post(
        f"/portal/endpoints/{sub_id}",
        data=NEW | {"description": "orders", "rate_limit": "2", "filter": '{"path": "ping", "eq": true}'},
        headers=FORM,
    )
    assert saved.status_code == 303
    edited = await portal.get(saved.headers["location"])
    assert "Endpoint saved." in edited.text
    assert 'value="orders"' in edited.text
    bad = await portal.post(f"/portal/endpoints/{sub_id}", data=NEW | {"filter": "{nope"}, headers=FORM)
    assert bad.status_code == 422
    assert "must be JSON" in bad.text

    disabled = await portal.post(
        f"/portal/endpoints/{sub_id}/status", data={"status": "disabled"}, headers=FORM
    )
    assert disabled.headers["location"].endswith("flash=disabled")
    async with runtime.sessions() as session:
        sub = await session.get(Subscription, sub_id)
        assert sub is not None
        assert (sub.status, sub.rate_limit, sub.filter) == ("disabled", 2.0, {"path": "ping", "eq": True})

    rotated = await portal.post(f"/portal/endpoints/{sub_id}/rotate", headers=FORM)
    assert rotated.status_code == 200
    new_secret = re.search(r'data-testid="secret">([^<]+)<', rotated.text)
    assert new_secret is not None
    assert new_secret.group(1) != secret.group(1)
    assert "keeps signing beside this one for 24.0 hours" in rotated.text
    async with runtime.sessions() as session:
        sub = await session.get(Subscription, sub_id)
        assert sub is not None
        assert runtime.cipher.decrypt(sub.token_encrypted) == new_secret.group(1)
        assert runtime.cipher.decrypt(sub.previous_token_encrypted or "") == secret.group(1)

    deleted = await portal.post(f"/portal/endpoints/{sub_id}/delete", headers=FORM)
    assert deleted.headers["location"] == "/portal/endpoints?flash=deleted"
    async with runtime.sessions() as session:
        assert (await session.scalars(select(Subscription.id))).all() == []


async def test_the_log_searches_and_failed_deliveries_are_replayed_after_a_count(
    portal: httpx.AsyncClient, api: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp = (await api.get("/v1/applications/erp")).json()["id"]
    sub = await subscribe(api, "http://127.0.0.1:9/hook", event="example.ping")
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Subscription).where(Subscription.id == sub["subscription_id"]).values(application_id=erp)
        )
    event = await stored_event(runtime, status="dispatched", payload={"order": 7})
    delivery = await stored_delivery(
        runtime, event, subscription_id=sub["subscription_id"], application_id=erp, status="dead", attempts=1
    )

    found = await portal.get("/portal/deliveries", params={"q": "data.order:7"})
    assert found.status_code == 200
    assert str(delivery) in found.text
    none = await portal.get("/portal/deliveries", params={"q": "data.order:8"})
    assert "No deliveries match." in none.text

    counted = await portal.get("/portal/replay", params={"since": "2000-01-01T00:00"})
    assert re.search(r'data-testid="failed-count">1<', counted.text)
    started = await portal.post("/portal/replay", data={"since": "2000-01-01T00:00"}, headers=FORM)
    assert started.status_code == 303
    job = await portal.get(started.headers["location"])
    assert "Bulk replay" in job.text
    assert re.search(r'data-testid="replay-status">(pending|running|done)<', job.text)


async def test_pages_need_a_live_session(app: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api.test"
    ) as anonymous:
        for path in ("/portal/endpoints", "/portal/catalogue", "/portal/deliveries", "/portal/replay"):
            refused = await anonymous.get(path)
            assert refused.status_code == 401, path
            assert "Open a new portal link" in refused.text


async def test_a_scheduled_delivery_shows_its_time_and_is_sent_now_and_an_expired_one_its_deadline(
    portal: httpx.AsyncClient, api: httpx.AsyncClient, runtime: Runtime
) -> None:
    erp = (await api.get("/v1/applications/erp")).json()["id"]
    sub = await subscribe(api, "http://127.0.0.1:9/hook", event="example.ping")
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            update(Subscription).where(Subscription.id == sub["subscription_id"]).values(application_id=erp)
        )
    event = await stored_event(runtime, status="dispatched", payload={"order": 7})
    later = utcnow() + timedelta(hours=1)
    scheduled = await stored_delivery(
        runtime, event, subscription_id=sub["subscription_id"], application_id=erp, next_attempt_at=later
    )
    expired = await stored_delivery(
        runtime,
        event,
        subscription_id=sub["subscription_id"],
        application_id=erp,
        status="expired",
        status_reason="deadline 2026-01-01T00:00:00+00:00 passed",
        expires_at=utcnow() - timedelta(minutes=1),
    )

    page = (await portal.get(f"/portal/deliveries/{scheduled}")).text
    assert 'data-testid="scheduled-for"' in page
    assert "Scheduled for " in page
    assert "Send now" in page
    sent = await portal.post(f"/portal/deliveries/{scheduled}/replay", headers=FORM)
    assert sent.status_code == 303, sent.text
    async with runtime.sessions() as session:
        due = await session.scalar(select(Delivery.next_attempt_at).where(Delivery.id == scheduled))
    assert due is not None
    assert due < later - timedelta(minutes=59)

    page = (await portal.get(f"/portal/deliveries/{expired}")).text
    assert '<span class="badge expired" data-testid="delivery-status">expired</span>' in page
    assert 'data-testid="expires-at"' in page
    listing = (await portal.get("/portal/deliveries", params={"status": "expired"})).text
    assert str(expired) in listing
    assert str(scheduled) not in listing
