"""``asyncevents-svc serve``: zero infrastructure, state that survives restarts and SIGKILL."""

from __future__ import annotations

import asyncio
import re
import signal
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import receiver_secret
from tests.support.helpers import TOKEN
from tests.support.receiver import Receiver
from tests.support.serving import Start, until_up

pytestmark = pytest.mark.embedded
BOOTSTRAP_KEY = "ae_243b15ee4051_k7ND9LvGNqGnqxkj2MyQtxFMtx8PoWGpo-8z12oGM9w"


async def printed_admin_key(log: Path) -> str:
    """The admin key `serve` prints on its first start (the banner follows the API's start,
    so it may land a moment after the first ready answer)."""
    for _ in range(100):
        found = re.search(r"key\s+(ae_[0-9a-f]{12}_\S+)", log.read_text())
        if found:
            return found.group(1)
        await asyncio.sleep(0.1)
    raise AssertionError("serve did not print a generated admin key")


async def test_serve_on_an_empty_data_dir_delivers_and_keeps_its_state_across_restarts(
    serve: tuple[str, Start], receiver: Receiver, tmp_path: Path
) -> None:
    base, start = serve
    process = start()
    client = await until_up(base)
    await client.aclose()
    key = await printed_admin_key(tmp_path / "serve.log")
    client = await until_up(base, key)
    created = await client.post(
        "/v1/subscriptions",
        json={
            "event_name": "sales.order.created",
            "recipient_url": f"{receiver.url}/ok",
            "verification_token": TOKEN,
        },
    )
    assert created.status_code == 201
    accepted = await client.post(
        "/v1/events", json={"event_name": "sales.order.created", "arguments": {"id": 5}}
    )
    assert accepted.status_code == 202

    [request] = await receiver.wait_for(1)
    Webhook(receiver_secret(TOKEN)).verify(request.body, request.headers)
    assert (tmp_path / "var" / "asyncevents.db").exists()
    assert (tmp_path / "var" / "encryption.key").stat().st_mode & 0o777 == 0o600
    assert "docs" in (tmp_path / "serve.log").read_text()

    process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(process.wait, 30) == 0
    await client.aclose()
    start()
    client = await until_up(base, key)
    subscriptions = (await client.get("/v1/subscriptions")).json()["items"]
    event = (await client.get(f"/v1/events/{accepted.json()['id']}")).json()
    await client.aclose()

    assert (tmp_path / "serve.log").read_text().count(key) == 1, "the key is printed on the first start only"
    assert [s["recipient_url"] for s in subscriptions] == [f"{receiver.url}/ok"]
    assert event["deliveries"][0]["status"] == "delivered"
    assert event["deliveries"][0]["id"] == request.headers["webhook-id"]


@pytest.mark.slow
async def test_sigkill_of_serve_during_a_burst_loses_no_accepted_event(
    serve: tuple[str, Start], receiver: Receiver
) -> None:
    base, start = serve
    process = start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=BOOTSTRAP_KEY)
    client = await until_up(base, BOOTSTRAP_KEY)
    await client.post(
        "/v1/subscriptions",
        json={
            "event_name": "sales.order.created",
            "recipient_url": f"{receiver.url}/slow/0.02",
            "verification_token": TOKEN,
        },
    )
    accepted: set[str] = set()
    for batch in range(3):
        events = [
            {"event_name": "sales.order.created", "arguments": {"id": batch * 100 + n}} for n in range(100)
        ]
        response = await client.post("/v1/events/batch", json={"events": events})
        accepted |= {r["id"] for r in response.json()["results"] if r["status"] == 202}
    assert len(accepted) == 300
    await receiver.wait_for(20, timeout=30)

    process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(process.wait, 10)
    await client.aclose()
    delivered_before = len({r.headers["webhook-id"] for r in receiver.requests})
    assert delivered_before < 300, "the burst finished before the kill; the test proves nothing"

    start(ASYNCEVENTS_BOOTSTRAP_ADMIN_KEY=BOOTSTRAP_KEY)
    client = await until_up(base, BOOTSTRAP_KEY)
    # Sends cut off by the kill are re-sent at once: with SQLite only one worker can exist,
    # so a restarted `serve` frees the leases the killed process held. Receivers may see a
    # duplicate (same webhook-id); what counts is that every accepted event arrives.
    async with asyncio.timeout(60):
        while len({r.body for r in receiver.requests}) < 300:
            await asyncio.sleep(0.2)
    await client.aclose()
    assert len({r.body for r in receiver.requests}) == 300
