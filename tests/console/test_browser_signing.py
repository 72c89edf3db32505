"""Ed25519 signatures and verified endpoints in the console, in a real browser (Chromium,
driven by Playwright, against a real ``asyncevents-svc serve`` that verifies endpoints):
a subscription created with ``v1a`` on the form is ``v1a`` in the API and its challenge
verifies with the published key alone; the Signing keys page lists that key's kid and no
key material; "Send the challenge again" sends a new challenge to the loopback receiver.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.signing.test_delivery import published_keys, v1a_signers
from tests.support.browser import watch
from tests.support.helpers import eventually
from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = [pytest.mark.embedded, pytest.mark.browser]
ADMIN_KEY = "ae_5b2d8e0f4a17_Vt3qL8mN1pX6rK9wS2zH5cJ7fD0gB4aE8uY1iO3tRqM"
#: Endpoints are verified; a challenge that is not echoed is retried twice, 0.3 s apart.
VERIFYING = {
    "ASYNCEVENTS_SECURITY__VERIFY_ENDPOINTS": "true",
    "ASYNCEVENTS_SECURITY__VERIFICATION_SCHEDULE": "0.3,0.3",
}


async def test_a_v1a_subscription_its_signing_key_and_a_challenge_sent_again(
    serve: tuple[str, Start], receiver: Receiver, chromium: Browser
) -> None:
    base, start = serve
    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY, **VERIFYING)
    api = await until_up(base, ADMIN_KEY)
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    problems = watch(page)
    try:
        await page.goto(f"{base}/admin/login")
        await page.get_by_label("API key").fill(ADMIN_KEY)
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("heading", name="Overview")).to_be_visible()

        # Create a subscription signed v1a; the API shows v1a, the page selects it again.
        await page.get_by_role("link", name="Subscriptions").click()
        await page.get_by_role("link", name="New subscription").click()
        await expect(page.get_by_label("Signature")).to_have_value("v1")
        await page.get_by_label("Event").fill("example.ping")
        await page.get_by_label("Recipient").fill(f"{receiver.url}/ok")
        await page.get_by_label("Signature").select_option("v1a")
        await page.get_by_role("button", name="Create").click()
        await expect(page.get_by_text("shown only now")).to_be_visible()
        await page.get_by_role("link", name="Done").click()
        heading = page.get_by_role("heading", name=re.compile(r"Subscription \d+"))
        await expect(heading).to_be_visible()
        sub_id = int((await heading.text_content() or "").split()[-1])
        sub = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
        assert sub["signature"] == "v1a"
        await expect(page.get_by_label("Signature")).to_have_value("v1a")

        # The receiver (which does not echo) gets three challenges signed v1a with the
        # published key alone; the round expires; "Send the challenge again" sends a fourth.
        await three_challenges_then_one_more(page, api, receiver, sub_id)

        # The Signing keys page: the published kid, signing, and no key material.
        await page.get_by_role("navigation").get_by_role("link", name="Signing keys").click()
        await expect(page.get_by_role("heading", name="Signing keys")).to_be_visible()
        [published] = (await api.get("/v1/signing-keys")).json()["keys"]
        row = page.get_by_test_id("signing-key")
        await expect(row).to_have_count(1)
        await expect(row).to_contain_text(published["kid"])
        await expect(row.locator(".badge")).to_have_text("signing")
        await expect(page.get_by_test_id("rotate-hint")).to_contain_text(
            "asyncevents-svc signing-keys rotate"
        )
        content = await page.content()
        assert '"d"' not in content
        assert published["x"] not in content
        assert "PRIVATE KEY" not in content
    finally:
        await context.close()
        await api.aclose()
    assert problems == []


async def three_challenges_then_one_more(
    page: Page, api: httpx.AsyncClient, receiver: Receiver, sub_id: int
) -> None:
    """A round of three challenges, each signed v1a with the published key alone, expires
    (the page says so); "Send the challenge again" sends a new one to the receiver."""
    first_round = await receiver.wait_for(3, path="/ok")
    keys = await published_keys(api)
    assert [v1a_signers(challenge, keys) for challenge in first_round] == [list(keys)] * 3

    async def expired() -> bool:
        found = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
        return (found["verification"] or {}).get("state") == "expired"

    await eventually(expired)
    await page.reload()
    await expect(page.get_by_test_id("verification-state")).to_have_text("expired")

    await page.get_by_role("button", name="Send the challenge again").click()
    await expect(page.get_by_text("Challenge queued")).to_be_visible()
    again = await receiver.wait_for(4, path="/ok")
    assert v1a_signers(again[3], keys) == list(keys)
