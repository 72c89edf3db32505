"""The console's Events, event, API-keys and delete flows in a real browser (Playwright
driving Debian's Chromium against a real ``asyncevents-svc serve``), in a browser set to
Tokyo time: every time reads in the browser's zone, its zone named, with UTC on hover. No
page logs an error and no request leaves the machine.

``ASYNCEVENTS_SCREENSHOTS=docs/console`` saves the screenshots of docs/operations.md there.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, expect

from tests.support.browser import Screens, watch
from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = [pytest.mark.embedded, pytest.mark.browser]
ADMIN_KEY = "ae_65a7c9061585_0j_1Bw8uFonIy1FouQCxZ8aLOft8D5BMfP5dP8wVsTk"
TOKYO = timedelta(hours=9)  # Asia/Tokyo has no daylight saving time


async def test_events_keys_and_deletes_in_a_browser_on_tokyo_time(
    serve: tuple[str, Start], receiver: Receiver, chromium: Browser
) -> None:
    base, start = serve
    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY)
    api = await until_up(base, ADMIN_KEY)
    screens = Screens()
    context = await chromium.new_context(viewport={"width": 1280, "height": 800}, timezone_id="Asia/Tokyo")
    page = await context.new_page()
    problems = watch(page)

    dialogs: list[str] = []

    async def accept(dialog: object) -> None:
        dialogs.append(dialog.message)  # type: ignore[attr-defined]
        await dialog.accept()  # type: ignore[attr-defined]

    page.on("dialog", accept)
    try:
        sub = (
            await api.post(
                "/v1/subscriptions",
                json={"event_name": "example.ping", "recipient_url": f"{receiver.url}/ok"},
            )
        ).json()
        assert (
            await api.post("/v1/events", json={"event_name": "example.ping", "arguments": {"n": 7}})
        ).status_code == 202
        await receiver.wait_for(1)

        await page.goto(f"{base}/admin/login")
        await page.get_by_label("API key").fill(ADMIN_KEY)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Overview")).to_be_visible()

        # Events: the event, received at a time shown in Tokyo, UTC on hover.
        await page.get_by_role("link", name="Events", exact=True).click()
        await expect(page.get_by_role("heading", name="Events", exact=True)).to_be_visible()
        for _ in range(50):
            if await page.locator("tbody span.badge.delivered").count():
                break
            await page.wait_for_timeout(200)
            await page.reload()
        received = page.locator("tbody time").first
        utc_text = await received.get_attribute("datetime")
        assert utc_text is not None
        moment = datetime.fromisoformat(utc_text).astimezone(UTC)
        local = (moment + TOKYO).strftime("%Y-%m-%d %H:%M:%S")
        await expect(received).to_have_text(re.compile(rf"^{local} (GMT\+9|JST)$"))
        await expect(received).to_have_attribute("title", f"{moment:%Y-%m-%d %H:%M:%S} UTC")
        await screens.take(page, "events")

        # The event's page lists its delivery, which opens the trace.
        await page.get_by_test_id("event-deliveries").first.click()
        await expect(page.get_by_role("heading", name="Deliveries")).to_be_visible()
        await expect(page.locator("pre.payload").first).to_contain_text('"n": 7')
        await screens.take(page, "event")
        await page.locator("tbody tr a").first.click()
        await expect(page.get_by_role("heading", name="Attempts")).to_be_visible()
        await expect(page.locator("ol.timeline time").first).to_have_text(re.compile(r"(GMT\+9|JST)$"))

        # API keys: create one with two scopes; its key shows once; revoke it (confirmed).
        await page.get_by_role("link", name="API keys").click()
        await page.get_by_label("Name").fill("erp-publisher")
        await page.get_by_role("checkbox", name=re.compile("^events:publish")).check()
        await page.get_by_role("checkbox", name=re.compile("^deliveries:read")).check()
        await page.get_by_role("button", name="Create key").click()
        await expect(page.get_by_text("shown only now")).to_be_visible()
        new_key = await page.get_by_test_id("new-key").text_content()
        assert new_key
        assert new_key.startswith("ae_")
        await page.get_by_role("link", name="Done").click()
        row = page.locator("tr", has_text="erp-publisher")
        await expect(row).to_contain_text("events:publish")
        assert new_key not in await page.content()
        await screens.take(page, "keys")
        await row.get_by_role("button", name="Revoke").click()
        await expect(page.get_by_text("API key revoked.")).to_be_visible()
        await expect(page.locator("tr", has_text="erp-publisher")).to_contain_text("revoked")
        assert (
            await api.get("/v1/events", headers={"Authorization": f"Bearer {new_key}"})
        ).status_code == 401

        # Delete the subscription from its page, after the confirmation.
        await page.goto(f"{base}/admin/subscriptions/{sub['subscription_id']}")
        await page.get_by_role("button", name="Delete subscription").click()
        await expect(page.get_by_text("Subscription deleted")).to_be_visible()
        await expect(page.get_by_text("No subscriptions match.")).to_be_visible()
        assert [m for m in dialogs if m.startswith("Revoke the key erp-publisher")]
        assert [m for m in dialogs if m.startswith(f"Delete subscription {sub['subscription_id']}?")]
    finally:
        await context.close()
        await api.aclose()
    assert problems == []
