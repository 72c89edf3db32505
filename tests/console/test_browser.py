"""The admin console in a real browser: Playwright drives Debian's Chromium (headless) against
a real ``asyncevents-svc serve`` process. Sign in, create a subscription, send an event, see it
delivered in the log, open its trace, replay it, mass-disable; no page logs an error.

``ASYNCEVENTS_SCREENSHOTS=docs/console`` also saves the screenshots of docs/operations.md there.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.support.browser import Screens, watch
from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = [pytest.mark.embedded, pytest.mark.browser]
ADMIN_KEY = "ae_65a7c9061585_0j_1Bw8uFonIy1FouQCxZ8aLOft8D5BMfP5dP8wVsTk"
ORDER_EVENT = {"event_name": "example.ping", "arguments": {"order": 42}}


async def test_sign_in_subscribe_deliver_trace_and_replay_in_a_browser(
    serve: tuple[str, Start], receiver: Receiver, chromium: Browser
) -> None:
    base, start = serve
    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY)
    api = await until_up(base, ADMIN_KEY)
    screens = Screens()
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    problems = watch(page)

    page.on("dialog", lambda dialog: dialog.accept())
    try:
        # Sign in: the console sends a signed-out visitor to the sign-in page.
        await page.goto(f"{base}/admin")
        await expect(page).to_have_url(f"{base}/admin/login?flash=sign-in")
        await expect(page.get_by_text("Sign in with an API key.")).to_be_visible()
        await screens.take(page, "sign-in")
        await page.get_by_label("API key").fill(ADMIN_KEY)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        await page.get_by_role("link", name="Subscriptions").click()
        await expect(page.get_by_role("heading", name="Subscriptions")).to_be_visible()

        # Create a subscription from the form: the event comes from the catalogue.
        await page.get_by_role("link", name="New subscription").click()
        await page.get_by_label("Event").fill("example.ping")
        await page.get_by_label("Recipient").fill(f"{receiver.url}/ok")
        await page.get_by_label("Description").fill("order sync")
        await page.get_by_role("button", name="Create").click()
        await expect(page.get_by_text("shown only now")).to_be_visible()
        await page.get_by_role("link", name="Done").click()
        await expect(page.get_by_role("heading", name="Subscription 1")).to_be_visible()

        # Send an event through the API; the log shows it delivered.
        published = await api.post("/v1/events", json=ORDER_EVENT)
        assert published.status_code == 202
        await receiver.wait_for(1)
        await page.get_by_role("link", name="Delivery log").click()
        for _ in range(50):
            if await page.locator("span.badge.delivered").count():
                break
            await page.wait_for_timeout(200)
            await page.reload()
        await expect(page.locator("tbody span.badge.delivered")).to_have_count(1)
        await page.get_by_label("Search").fill("data.order:42")
        await page.get_by_role("button", name="Search").click()
        await expect(page.locator("tbody tr")).to_have_count(1)
        await screens.take(page, "delivery-log")

        # The trace: the attempt with its status code and duration, the payload; replay it.
        await page.locator("tbody tr a").first.click()
        await expect(page.get_by_role("heading", name="Attempts")).to_be_visible()
        await expect(page.locator("ol.timeline li")).to_have_count(1)
        await expect(page.locator("ol.timeline .badge").first).to_have_text("200")
        await expect(page.locator("pre.payload")).to_contain_text('"order": 42')
        await screens.take(page, "trace")
        await page.get_by_role("button", name="Replay").click()
        await expect(page.get_by_text("Replay queued")).to_be_visible()
        await receiver.wait_for(2)
        for _ in range(50):
            if await page.locator("ol.timeline li").count() == 2:
                break
            await page.wait_for_timeout(200)
            await page.reload()
        await expect(page.locator("ol.timeline li")).to_have_count(2)

        # Mass disable from the grid, "select all" working through the console's script.
        await page.get_by_role("link", name="Subscriptions").click()
        await screens.take(page, "subscriptions")
        await page.get_by_label("Select all").check()
        await expect(page.get_by_label("Select 1")).to_be_checked()
        await page.get_by_role("button", name="Disable selected").click()
        await expect(page.get_by_text("1 subscription now disabled.")).to_be_visible()
        await expect(page.locator("tbody span.badge.disabled")).to_have_count(1)

        # A receiver that refuses: its delivery ends dead; count it, then replay every one.
        refusing = {"event_name": "example.ping", "recipient_url": f"{receiver.url}/status/400"}
        assert (await api.post("/v1/subscriptions", json=refusing)).status_code == 201
        assert (await api.post("/v1/events", json=ORDER_EVENT)).status_code == 202
        await page.get_by_role("link", name="Dead letters").click()
        for _ in range(50):
            if await page.get_by_test_id("dead-count").text_content() == "1":
                break
            await page.wait_for_timeout(200)
            await page.reload()
        await expect(page.get_by_test_id("dead-count")).to_have_text("1")
        await expect(page.locator("tbody span.badge.dead")).to_have_count(1)
        await screens.take(page, "dead-letters")
        await page.get_by_role("button", name="Replay all 1").click()
        await expect(page.get_by_role("heading", name="Bulk replay")).to_be_visible()
        await expect(page.get_by_test_id("replay-status")).to_have_text(re.compile("pending|running|done"))
    finally:
        await context.close()
        await api.aclose()
    assert problems == []
