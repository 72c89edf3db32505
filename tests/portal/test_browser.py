"""The consumer portal in a real browser: Playwright drives Debian's Chromium (headless)
against a real ``asyncevents-svc serve``. The operator makes a link; its holder creates an
endpoint, sees its secret once, sends a test event and watches it arrive at a loopback
receiver (verified with the ``standardwebhooks`` library), finds it in the log and replays
it; another application's portal shows none of it; a reused or expired link is refused;
no page logs an error.

``ASYNCEVENTS_PORTAL_SCREENSHOTS=docs/portal`` also saves the screenshots of docs/applications.md there.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, Response, expect
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import receiver_secret
from tests.support.browser import Screens
from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = [pytest.mark.embedded, pytest.mark.browser]
ADMIN_KEY = "ae_3f0c5a7d91be_Qm7yT2pL9xV4kN8rW1sZ6cH3jF0dB5gA2eU7iO9tYqM"
LINK_LIFETIME = 4.0  # seconds: short, so that the test can watch a link expire


@pytest.fixture
async def portal_service(serve: tuple[str, Start]) -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    """A `serve` process and an operator's client of it, with the applications erp and pim."""
    base, start = serve
    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY, ASYNCEVENTS_PORTAL__LINK_LIFETIME=str(LINK_LIFETIME))
    api = await until_up(base, ADMIN_KEY)
    for uid, name in (("erp", "ERP"), ("pim", "PIM")):
        assert (await api.post("/v1/applications", json={"uid": uid, "name": name})).status_code == 201
    yield base, api
    await api.aclose()


async def link(api: httpx.AsyncClient, uid: str) -> str:
    created = await api.post(f"/v1/applications/{uid}/portal-sessions")
    assert created.status_code == 201, created.text
    url: str = created.json()["url"]
    return url


class Watched:
    """A browser context whose pages' console errors and page errors are collected."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    async def page(self, context: BrowserContext) -> Page:
        page = await context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type in ("error", "warning"):
                self.problems.append(f"{message.type}: {message.text} ({page.url})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error} ({page.url})"))
        page.on("dialog", lambda dialog: dialog.accept())
        return page


async def open_link(page: Page, url: str) -> Response | None:
    """Follow a portal link and press its page's button (the link's page spends nothing;
    its form post does); the answer to that post, after its redirect."""
    await page.goto(url)
    async with page.expect_navigation() as navigation:
        await page.get_by_test_id("open-portal").click()
    return await navigation.value


async def until_visible(page: Page, selector: str, tries: int = 75) -> None:
    """Reload ``page`` until ``selector`` matches (a delivery the worker is still sending)."""
    for _ in range(tries):
        if await page.locator(selector).count():
            return
        await page.wait_for_timeout(200)
        await page.reload()
    await expect(page.locator(selector).first).to_be_visible()


async def test_a_consumer_manages_its_endpoint_in_its_portal(
    portal_service: tuple[str, httpx.AsyncClient], receiver: Receiver, chromium: Browser
) -> None:
    base, api = portal_service
    watched = Watched()
    screens = Screens("ASYNCEVENTS_PORTAL_SCREENSHOTS")
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    page = await watched.page(context)
    try:
        # The link signs in: the application's endpoints, none yet.
        await open_link(page, await link(api, "erp"))
        await expect(page).to_have_url(f"{base}/portal/endpoints")
        await expect(page.get_by_text("Webhooks · ERP")).to_be_visible()
        await expect(page.get_by_text("No endpoints yet.")).to_be_visible()

        # The catalogue: description, example payload, schemas.
        await page.get_by_role("link", name="Event catalogue").click()
        await expect(page.get_by_text("A ping to check that an endpoint receives webhooks.")).to_be_visible()
        await expect(page.locator("section#example\\.ping pre.example")).to_contain_text('"order": 42')
        stock = page.locator("section#stock\\.changed")
        await expect(stock.locator("pre.example")).to_contain_text('"sku": "24-MB01"')
        await stock.locator("summary", has_text="Payload schema").click()
        await expect(stock.locator("pre.schema")).to_contain_text('"minimum": 1')
        await expect(stock.locator("span.validated")).to_be_visible()
        await screens.take(page, "catalogue")

        # Create an endpoint: its secret is shown once.
        await page.get_by_role("link", name="Endpoints").click()
        await page.get_by_role("link", name="New endpoint").click()
        await page.get_by_label("Endpoint URL").fill(f"{receiver.url}/ok")
        await page.get_by_label("Events").fill("example.ping")
        await page.get_by_label("Description").fill("order sync")
        await screens.take(page, "new-endpoint")
        await page.get_by_role("button", name="Create").click()
        await expect(page.get_by_text("shown only now")).to_be_visible()
        secret = (await page.get_by_test_id("secret").text_content() or "").strip()
        assert len(secret) >= 32
        await screens.take(page, "secret")
        await page.get_by_role("link", name="Done").click()
        await expect(page.get_by_role("heading", name=re.compile(r"Endpoint \d+"))).to_be_visible()
        assert secret not in await page.content()

        # A test event: its delivery page follows it until the receiver has it, signed.
        await page.get_by_role("button", name="Send test event").click()
        await expect(page.get_by_text("Test event sent")).to_be_visible()
        [request] = await receiver.wait_for(1, path="/ok")
        Webhook(receiver_secret(secret)).verify(request.body, request.headers)
        assert json.loads(request.body) == {"data": {"ping": True, "order": 42}}
        await until_visible(page, "ol.timeline li.ok")
        await expect(page.get_by_test_id("delivery-status")).to_have_text("delivered")
        await screens.take(page, "delivery")

        # The log finds it with the search language; replay it from its page.
        await page.get_by_role("link", name="Delivery log").click()
        await page.get_by_label("Search").fill("data.order:42")
        await page.get_by_role("button", name="Search").click()
        await expect(page.locator("tbody tr")).to_have_count(1)
        await expect(page.locator("tbody span.badge.delivered")).to_have_count(1)
        await screens.take(page, "delivery-log")
        await page.locator("tbody tr a").first.click()
        await page.get_by_role("button", name="Replay").click()
        await expect(page.get_by_text("Replay queued")).to_be_visible()
        await receiver.wait_for(2, path="/ok")
        await until_visible(page, "ol.timeline li.ok:nth-child(2)")

        # The endpoint's health over the last day; the replay of failed deliveries (none).
        await page.get_by_role("link", name="Endpoints").click()
        await expect(page.get_by_test_id("success-rate")).to_contain_text("100 %")
        await screens.take(page, "endpoints")
        await page.locator("tbody tr a").first.click()
        await expect(page.get_by_test_id("health")).to_contain_text("100 % of 2 attempts succeeded")
        await screens.take(page, "endpoint")
        await page.get_by_role("link", name="Replay failed").click()
        await expect(page.get_by_test_id("failed-count")).to_have_text("0")
        await screens.take(page, "replay-failed")

        # Another application's portal shows none of it.
        other = await watched.page(await chromium.new_context())
        await open_link(other, await link(api, "pim"))
        await expect(other.get_by_text("Webhooks · PIM")).to_be_visible()
        await expect(other.get_by_text("No endpoints yet.")).to_be_visible()
        await other.get_by_role("link", name="Delivery log").click()
        await expect(other.get_by_text("No deliveries match.")).to_be_visible()
        # The positive control: the operator sees the endpoint and its two sends.
        assert len((await api.get("/v1/deliveries")).json()["items"]) == 1
    finally:
        await context.close()
    assert watched.problems == []


async def test_a_reused_or_expired_link_is_refused(
    portal_service: tuple[str, httpx.AsyncClient], chromium: Browser
) -> None:
    base, api = portal_service
    watched = Watched()
    context = await chromium.new_context()
    page = await watched.page(context)
    try:
        used = await link(api, "erp")
        await open_link(page, used)
        await expect(page.get_by_role("heading", name="Endpoints")).to_be_visible()

        stranger = await watched.page(await chromium.new_context())
        answer = await open_link(stranger, used)
        assert answer is not None
        assert answer.status == 403
        await expect(stranger.get_by_text("was used already, or has expired")).to_be_visible()

        late = await link(api, "erp")
        await asyncio.sleep(LINK_LIFETIME + 0.5)
        answer = await open_link(stranger, late)
        assert answer is not None
        assert answer.status == 403
        await expect(stranger.get_by_role("heading", name="Link not valid")).to_be_visible()
        assert (await stranger.goto(f"{base}/portal/endpoints")) is not None
        await expect(stranger.get_by_text("Your portal session has ended")).to_be_visible()
    finally:
        await context.close()
    assert [p for p in watched.problems if "status of 40" not in p] == []
