"""An event published over HTTP reaches a subscriber, signed in both schemes."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import receiver_secret
from tests.support.helpers import TOKEN, subscribe
from tests.support.receiver import Receiver


async def test_http_event_reaches_subscriber_with_valid_signatures(
    api: httpx.AsyncClient, worker: object, receiver: Receiver
) -> None:
    await subscribe(api, f"{receiver.url}/ok")

    accepted = await api.post(
        "/v1/events", json={"event_name": "sales.order.created", "arguments": {"id": 42}}
    )

    assert accepted.status_code == 202, accepted.text
    [request] = await receiver.wait_for(1)
    assert json.loads(request.body) == {"data": {"entity_id": 42, "increment_id": "CK00000042"}}
    expected = hmac.new(TOKEN.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-magento-signature"] == expected
    Webhook(receiver_secret(TOKEN)).verify(request.body, request.headers)
    assert request.headers["x-asyncevents-event"] == "sales.order.created"
    assert request.headers["content-type"] == "application/json"
