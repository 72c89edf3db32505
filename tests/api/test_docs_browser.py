"""Swagger UI and ReDoc in a real browser (Debian's Chromium through Playwright) against a real
``asyncevents-svc serve``: the pages render every operation and request nothing outside
127.0.0.1; Swagger UI logs no error at all (none breaks its Content-Security-Policy). With the
admin key under "Authorize", "Try it out" lists the subscriptions.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, Route, expect

from tests.support.serving import Start, until_up

pytestmark = [pytest.mark.embedded, pytest.mark.browser]
ADMIN_KEY = "ae_65a7c9061585_0j_1Bw8uFonIy1FouQCxZ8aLOft8D5BMfP5dP8wVsTk"


async def _watch(page: Page, problems: list[str], hosts: set[str]) -> None:
    """Record console errors, and the host of every request that reaches the network layer
    (a request the page's policy blocks never does); any other host than ours is aborted."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"console {message.type}: {message.text}")

    async def on_request(route: Route) -> None:
        host = urlsplit(route.request.url).hostname or ""
        hosts.add(host)
        await (route.continue_() if host == "127.0.0.1" else route.abort())

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    await page.route("**/*", on_request)


async def test_swagger_ui_and_redoc_render_offline_and_try_it_out_works(
    serve: tuple[str, Start], chromium: Browser
) -> None:
    base, start = serve
    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY)
    api = await until_up(base, ADMIN_KEY)
    problems: list[str] = []
    hosts: set[str] = set()
    context = await chromium.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await _watch(page, problems, hosts)
    try:
        await page.goto(f"{base}/docs")
        await expect(page.locator(".information-container .title")).to_contain_text("asyncevents-svc")
        operations = page.locator(".opblock")
        await expect(operations.first).to_be_visible()
        assert await operations.count() == len(
            [op for item in (await api.get("/openapi.json")).json()["paths"].values() for op in item]
        )

        # Authorize with the key, then call GET /v1/subscriptions from the page.
        await page.get_by_role("button", name="Authorize").first.click()
        await page.locator(".modal-ux input[type=text], .modal-ux input[type=password]").first.fill(ADMIN_KEY)
        await page.locator(".modal-ux button.modal-btn.authorize").click()
        await page.locator(".modal-ux button.btn-done").click()
        listing = page.locator("#operations-subscriptions-listSubscriptions")
        await listing.locator(".opblock-summary").click()
        await listing.get_by_role("button", name="Try it out").click()
        await listing.get_by_role("button", name="Execute").click()
        await expect(listing.locator(".live-responses-table tbody .response-col_status").first).to_have_text(
            "200"
        )

        swagger_problems = list(problems)
        problems.clear()
        await page.goto(f"{base}/redoc")
        await expect(page.locator("h1").first).to_contain_text("asyncevents-svc")
        await expect(page.get_by_text("Publish Event").first).to_be_attached()
    finally:
        await context.close()
        await api.aclose()
    assert swagger_problems == []
    # ReDoc's bundle always shows Redocly's logo from their CDN; the policy blocks it before
    # any request is made, and this refusal is the one message ReDoc logs.
    assert [p for p in problems if "https://cdn.redoc.ly/redoc/logo-mini.svg" not in p] == []
    assert hosts == {"127.0.0.1"}
