"""The console's Applications page (list, create, a portal link shown once), its application
filter on the subscriptions and deliveries pages, and a subscription's "Send test event"."""

from __future__ import annotations

import html
import re

import httpx
from fastapi import FastAPI

from asyncevents_svc.worker.runner import Worker
from tests.console.conftest import FORM
from tests.support.helpers import subscribe
from tests.support.portal import follow
from tests.support.receiver import Receiver


async def test_applications_are_listed_created_and_open_a_portal_link(
    console: httpx.AsyncClient, app: FastAPI
) -> None:
    created = await console.post("/admin/applications", data={"uid": "erp", "name": "ERP"}, headers=FORM)
    assert created.status_code == 303
    page = await console.get(created.headers["location"])
    assert "Application created." in page.text
    assert "<code>erp</code>" in page.text
    assert "<code>default</code>" in page.text
    assert 'href="/admin/subscriptions?application=erp"' in page.text
    again = await console.post("/admin/applications", data={"uid": "erp", "name": "Again"}, headers=FORM)
    assert again.status_code == 409
    assert "Not created:" in again.text

    shown = await console.post("/admin/applications/erp/portal", headers=FORM)

    assert shown.status_code == 200
    link = re.search(r'data-testid="portal-link">([^<]+)<', shown.text)
    assert link is not None
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api.test"
    ) as consumer:
        opened = await follow(consumer, html.unescape(link.group(1)))
        assert opened.status_code == 303
        assert "Webhooks · ERP" in (await consumer.get("/portal/endpoints")).text


async def test_the_application_filter_is_kept_on_the_pages(console: httpx.AsyncClient) -> None:
    for page in ("subscriptions", "deliveries"):
        answer = await console.get(f"/admin/{page}", params={"application": "erp"})
        assert answer.status_code == 200
        assert 'name="application" value="erp"' in answer.text, page


async def test_a_subscriptions_page_sends_a_test_event(
    console: httpx.AsyncClient, api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", event="example.ping")
    page = await console.get(f"/admin/subscriptions/{sub['subscription_id']}")
    assert "Send test event" in page.text

    sent = await console.post(f"/admin/subscriptions/{sub['subscription_id']}/test", headers=FORM)

    assert sent.status_code == 303
    assert re.fullmatch(r"/admin/deliveries/[0-9a-f-]{36}\?flash=test-sent", sent.headers["location"])
    await receiver.wait_for(1, path="/ok")
    trace = await console.get(sent.headers["location"])
    assert "Test event sent to this subscription only" in trace.text
    missing = await console.post("/admin/subscriptions/999/test", headers=FORM)
    assert missing.status_code == 404
