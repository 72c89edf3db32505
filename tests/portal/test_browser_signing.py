"""Ed25519 signatures and verified endpoints in the consumer portal, in a real browser
(Chromium, driven by Playwright, against a real ``asyncevents-svc serve`` that verifies
endpoints): an endpoint created with ``v1a`` on the form is ``v1a`` in the API and belongs
to the portal's application, its challenges verify with the published key alone, and "Send
the challenge again" sends a new challenge to the loopback receiver; another application's
portal does not see it.
"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, expect

from tests.console.test_browser_signing import VERIFYING, three_challenges_then_one_more
from tests.portal.test_browser import Watched, link, open_link
from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = [pytest.mark.embedded, pytest.mark.browser]
ADMIN_KEY = "ae_7c4e1a9b3d60_Hn2wQ5tY8kP1mR4xV7zB0cL3jF6gD9sA2eU5iO8tWqN"


async def test_a_v1a_endpoint_of_its_application_and_a_challenge_sent_again(
    serve: tuple[str, Start], receiver: Receiver, chromium: Browser
) -> None:
    base, start = serve
    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY, **VERIFYING)
    api = await until_up(base, ADMIN_KEY)
    for uid, name in (("erp", "ERP"), ("pim", "PIM")):
        assert (await api.post("/v1/applications", json={"uid": uid, "name": name})).status_code == 201
    watched = Watched()
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    page = await watched.page(context)
    try:
        await open_link(page, await link(api, "erp"))
        await expect(page.get_by_text("Webhooks · ERP")).to_be_visible()

        # Create an endpoint signed v1a: the API shows v1a, in the application erp.
        await page.get_by_role("link", name="New endpoint").click()
        await expect(page.get_by_label("Signature")).to_have_value("v1")
        await page.get_by_label("Endpoint URL").fill(f"{receiver.url}/ok")
        await page.get_by_label("Events").fill("example.ping")
        await page.get_by_label("Signature").select_option("v1a")
        await page.get_by_role("button", name="Create").click()
        await expect(page.get_by_text("shown only now")).to_be_visible()
        await page.get_by_role("link", name="Done").click()
        heading = page.get_by_role("heading", name=re.compile(r"Endpoint \d+"))
        await expect(heading).to_be_visible()
        sub_id = int((await heading.text_content() or "").split()[-1])
        sub = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
        assert (sub["signature"], sub["application"]) == ("v1a", "erp")
        await expect(page.get_by_label("Signature")).to_have_value("v1a")

        # The receiver (which does not echo) gets three challenges signed v1a with the
        # published key alone; the round expires; "Send the challenge again" sends a fourth.
        await three_challenges_then_one_more(page, api, receiver, sub_id)

        # Another application's portal has no such endpoint.
        other = await watched.page(await chromium.new_context())
        await open_link(other, await link(api, "pim"))
        await expect(other.get_by_text("No endpoints yet.")).to_be_visible()
        answer = await other.goto(f"{base}/portal/endpoints/{sub_id}")
        assert answer is not None
        assert answer.status == 404
    finally:
        await context.close()
        await api.aclose()
    assert [p for p in watched.problems if "status of 404" not in p] == []
