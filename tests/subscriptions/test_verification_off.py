"""Endpoint verification is off by default: nothing changes for existing installations."""

from __future__ import annotations

import httpx

from asyncevents_svc.settings import SecuritySettings
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import publish, subscribe
from tests.support.receiver import Receiver


async def test_without_the_setting_a_subscription_is_active_at_once_and_never_challenged(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    assert SecuritySettings().verify_endpoints is False
    sub = await subscribe(api, f"{receiver.url}/ok", "example.ping")

    assert sub["status"] == "active"
    assert sub["verification"] is None
    await publish(api, "example.ping", arguments={"n": 1})
    [delivered] = await receiver.wait_for(1, path="/ok")
    assert b"endpoint.verification" not in delivered.body
    resend = await api.post(f"/v1/subscriptions/{sub['subscription_id']}/verification")
    assert resend.status_code == 409
    assert resend.json()["detail"] == "endpoint verification is off"
