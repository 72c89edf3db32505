"""The portal shows an endpoint's verification and sends the challenge again."""

from __future__ import annotations

import re

import httpx

from asyncevents_svc.worker.runner import Worker
from tests.portal.test_pages import FORM, NEW, portal  # noqa: F401 - the signed-in fixture
from tests.support.helpers import eventually
from tests.support.receiver import Receiver
from tests.support.verifying import runtime  # noqa: F401 - the fixture: endpoints are verified


async def test_an_endpoint_shows_its_verification_and_its_holder_sends_it_again(
    portal: httpx.AsyncClient,  # noqa: F811
    worker: Worker,
    receiver: Receiver,
) -> None:
    created = await portal.post(
        "/portal/endpoints/new", data=NEW | {"recipient_url": f"{receiver.url}/echo"}, headers=FORM
    )
    assert created.status_code == 200
    sub_id = int(re.search(r"Endpoint (\d+) created", created.text).group(1))  # type: ignore[union-attr]
    page = f"/portal/endpoints/{sub_id}"

    async def verified() -> bool:
        return 'data-testid="verification-state">verified<' in (await portal.get(page)).text

    await eventually(verified)
    assert "Send the challenge again" not in (await portal.get(page)).text
    # A verified endpoint needs no challenge: the portal says so.
    refused = await portal.post(f"{page}/verification", headers=FORM)
    assert refused.status_code == 409
    assert "its endpoint is verified" in refused.text

    moved = await portal.post(page, data=NEW | {"recipient_url": f"{receiver.url}/ok"}, headers=FORM)
    assert moved.status_code == 303
    shown = (await portal.get(page)).text
    assert 'data-testid="verification-state">' in shown
    assert 'class="badge unverified"' in (await portal.get("/portal/endpoints")).text

    async def expired() -> bool:
        return 'data-testid="verification-state">expired<' in (await portal.get(page)).text

    await eventually(expired)
    sent = await portal.post(f"{page}/verification", headers=FORM)
    assert sent.status_code == 303
    assert "Challenge queued" in (await portal.get(sent.headers["location"])).text
    await receiver.wait_for(4, path="/ok")
