"""The console shows a subscription's endpoint verification and sends the challenge again."""

from __future__ import annotations

import httpx

from asyncevents_svc.worker.runner import Worker
from tests.console.conftest import FORM
from tests.support.helpers import eventually, subscribe
from tests.support.receiver import Receiver
from tests.support.verifying import runtime  # noqa: F401 - the fixture: endpoints are verified


async def test_the_form_shows_the_state_and_sends_the_challenge_again(
    console: httpx.AsyncClient, api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", "example.ping")
    page = f"/admin/subscriptions/{sub['subscription_id']}"

    async def expired() -> bool:
        return 'data-testid="verification-state">expired<' in (await console.get(page)).text

    await eventually(expired)
    shown = (await console.get(page)).text
    assert "without the challenge" in shown
    assert "Send the challenge again" in shown
    listing = (await console.get("/admin/subscriptions")).text
    assert 'class="badge unverified"' in listing

    sent = await console.post(f"{page}/verification", headers=FORM)

    assert sent.status_code == 303
    assert sent.headers["location"].endswith(f"{page}?flash=challenge-sent")
    assert "Challenge queued" in (await console.get(sent.headers["location"])).text
    await receiver.wait_for(4, path="/ok")  # the three of the first round, then a new one
    missing = await console.post("/admin/subscriptions/999/verification", headers=FORM)
    assert missing.status_code == 404
