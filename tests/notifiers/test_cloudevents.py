"""The CloudEvents 1.0 payload format, checked by the CloudEvents SDK and still signed."""

from __future__ import annotations

import httpx
from cloudevents.core.bindings.http import HTTPMessage, from_structured_event
from standardwebhooks import Webhook

from asyncevents_svc.notifiers.signing import magento_signature, receiver_secret
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import TOKEN, event_when, publish, subscribe
from tests.support.receiver import Receiver


async def test_a_cloudevents_subscription_gets_a_valid_structured_cloudevent(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ce", "example.ping", payload_format="cloudevents")
    assert sub["payload_format"] == "cloudevents"
    published = await publish(api, "example.ping", arguments={"order": 7}, store_id=3)
    [received] = await receiver.wait_for(1, path="/ce")

    assert received.headers["content-type"] == "application/cloudevents+json"
    event = from_structured_event(HTTPMessage(headers=received.headers, body=received.body))
    shown = await event_when(api, published["id"], lambda e: e["status"] == "dispatched")
    [delivery] = [d for d in shown["deliveries"] if d["subscription_id"] == sub["subscription_id"]]
    assert event.get_specversion() == "1.0"
    assert event.get_id() == delivery["id"] == received.headers["webhook-id"]
    assert event.get_source() == "3"
    assert event.get_type() == "example.ping"
    assert event.get_datacontenttype() == "application/json"
    assert event.get_data() == {"order": 7}
    # The same signatures as the module's format, over these exact bytes.
    Webhook(receiver_secret(TOKEN)).verify(received.body, received.headers)
    assert received.headers["x-magento-signature"] == magento_signature(TOKEN.encode(), received.body)


async def test_the_default_format_is_the_modules_data_envelope(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/plain", "example.ping")
    assert sub["payload_format"] == "data"
    await publish(api, "example.ping", arguments={"order": 8})
    [received] = await receiver.wait_for(1, path="/plain")
    assert received.headers["content-type"] == "application/json"
    assert received.body == b'{"data":{"order":8}}'


async def test_an_unknown_payload_format_is_refused(api: httpx.AsyncClient, receiver: Receiver) -> None:
    body = {"event_name": "example.ping", "recipient_url": f"{receiver.url}/x", "payload_format": "xml"}
    response = await api.post("/v1/subscriptions", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == "payload_format"
