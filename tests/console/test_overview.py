"""The console's overview, in-process: the page after sign-in, its figures and charts from
``GET /v1/stats/deliveries`` (inline SVG: no script, nothing fetched), the hour/day toggle,
the worst endpoints with their last error."""

from __future__ import annotations

from datetime import timedelta

import httpx
from fastapi import FastAPI

from asyncevents_svc.db.types import utcnow
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.runtime import Runtime
from tests.console.conftest import FORM
from tests.deliveries.test_stats import BUSY, OK, a_subscription, attempted
from tests.support.keys import key_with


async def test_the_overview_charts_the_hour_and_names_the_failing_endpoint(
    runtime: Runtime, api: httpx.AsyncClient, console: httpx.AsyncClient
) -> None:
    healthy, failing = await a_subscription(api), await a_subscription(api)
    now = utcnow()
    for _ in range(3):
        await attempted(runtime, healthy, now - timedelta(minutes=3), OK, DeliveryStatus.DELIVERED)
    await attempted(runtime, failing, now - timedelta(minutes=3), BUSY, DeliveryStatus.RETRYING)

    page = await console.get("/admin/overview")

    assert page.status_code == 200
    assert 'data-testid="success-rate">75.0 %' in page.text
    assert page.text.count("<svg") == 2
    assert "3 delivered, 1 failed, 0 dead" in page.text  # the bar's tooltip
    assert f'href="/admin/subscriptions/{failing}"' in page.text
    assert "status 503" in page.text
    assert "<script" not in page.text.split("</head>")[1]  # the charts need no script


async def test_the_day_toggle_and_the_home_page(console: httpx.AsyncClient) -> None:
    day = await console.get("/admin/overview", params={"period": "day"})
    home = await console.get("/admin/")

    assert 'aria-current="page" class="current">Last day' in day.text
    assert "Attempts per 10 minutes" in day.text
    assert "No failed attempts in this period." in day.text
    assert home.headers["location"] == "/admin/overview"


async def test_a_key_without_deliveries_read_sees_why_not(
    app: FastAPI, runtime: Runtime, console: httpx.AsyncClient
) -> None:
    key = await key_with(runtime, "subscriptions:read")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as other:
        await other.post("/admin/login", data={"key": key}, headers=FORM)
        page = await other.get("/admin/overview")

    assert page.status_code == 403
    assert "deliveries:read" in page.text


async def test_a_subscriptions_page_shows_its_last_day_success_rate_latency_and_last_error(
    runtime: Runtime, api: httpx.AsyncClient, console: httpx.AsyncClient
) -> None:
    failing = await a_subscription(api)
    now = utcnow()
    await attempted(runtime, failing, now - timedelta(hours=2), OK, DeliveryStatus.DELIVERED)
    await attempted(runtime, failing, now - timedelta(minutes=3), BUSY, DeliveryStatus.RETRYING)

    page = await console.get(f"/admin/subscriptions/{failing}")

    assert page.status_code == 200
    assert 'data-testid="health-rate">50.0 %' in page.text
    assert 'data-testid="health-latency">70 ms' in page.text  # (40 + 100) / 2
    assert 'data-testid="health-error">status 503' in page.text
