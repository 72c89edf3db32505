"""The console's overview in a real browser (Playwright, Debian's Chromium, a real
``asyncevents-svc serve``): after sign-in, the charts of an hour with a delivered and a dead
delivery, the worst endpoint, the day toggle; no console error, and no request leaves the
service (the charts are inline SVG).

``ASYNCEVENTS_SCREENSHOTS=docs/console`` saves ``overview.png`` for docs/operations.md.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.support.browser import Screens, watch
from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = [pytest.mark.embedded, pytest.mark.browser]
ADMIN_KEY = "ae_65a7c9061585_0j_1Bw8uFonIy1FouQCxZ8aLOft8D5BMfP5dP8wVsTk"
EVENT = {"event_name": "example.ping", "arguments": {"order": 42}}


async def test_the_overview_charts_the_last_hour_and_names_the_failing_endpoint(
    serve: tuple[str, Start], receiver: Receiver, chromium: Browser
) -> None:
    base, start = serve
    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY)
    api = await until_up(base, ADMIN_KEY)
    screens = Screens()
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    problems = watch(page)

    try:
        for path in ("ok", "status/400"):
            sub = {"event_name": "example.ping", "recipient_url": f"{receiver.url}/{path}"}
            assert (await api.post("/v1/subscriptions", json=sub)).status_code == 201
        for _ in range(3):
            assert (await api.post("/v1/events", json=EVENT)).status_code == 202
        await receiver.wait_for(6)

        await page.goto(f"{base}/admin/login")
        await page.get_by_label("API key").fill(ADMIN_KEY)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        for _ in range(50):  # the worker records the attempts a moment after sending them
            if await page.get_by_test_id("attempts").text_content() == "6":
                break
            await page.wait_for_timeout(200)
            await page.reload()
        await expect(page.get_by_test_id("attempts")).to_have_text("6")
        await expect(page.get_by_test_id("success-rate")).to_have_text("50.0 %")
        await expect(page.locator("svg.chart")).to_have_count(2)
        await expect(page.locator("svg.chart rect.delivered").first).to_be_visible()
        await expect(page.locator("svg.chart rect.dead").first).to_be_visible()
        worst = page.locator("tbody tr")
        await expect(worst).to_have_count(1)
        await expect(worst.first).to_contain_text("status 400")
        await screens.take(page, "overview")

        await page.get_by_role("link", name="Last day").click()
        await expect(page.get_by_role("link", name="Last day")).to_have_attribute("aria-current", "page")
        await expect(page.get_by_test_id("attempts")).to_have_text("6")
        await worst.first.get_by_role("link").click()
        await expect(page.get_by_role("heading", name="Subscription 2")).to_be_visible()
        await page.get_by_role("link", name="asyncevents-svc").click()
        await expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    finally:
        await context.close()
        await api.aclose()
    assert problems == []
