"""Webhook signatures (SPEC §4.1): the module's ``x-magento-signature`` and Standard Webhooks.

Checked against the known-answer vectors of ``shared/testdata/signatures.json`` with our own
functions and with the official ``standardwebhooks`` library, and end to end: what the HTTP
notifier sends to a loopback receiver verifies with that library.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from asyncevents_svc.notifiers.base import Notification
from asyncevents_svc.notifiers.http import HttpNotifier, render_body
from asyncevents_svc.notifiers.signing import (
    magento_signature,
    receiver_secret,
    standard_signature,
)
from asyncevents_svc.settings import HttpSettings
from tests.support.helpers import notification as any_notification
from tests.support.loopback import on_loopback

# The repository is cloned next to ``shared/`` (here /work/main beside /work/shared).
SIGNATURES = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "signatures.json"
PAYLOAD = {"entity_id": 42, "increment_id": "CK00000042"}


@pytest.fixture(scope="module")
def vectors() -> dict[str, dict[str, str]]:
    assert SIGNATURES.is_file(), f"known-answer vectors not found at {SIGNATURES}"
    data: dict[str, dict[str, str]] = json.loads(SIGNATURES.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def spec_vector(vectors: dict[str, dict[str, str]]) -> dict[str, str]:
    return vectors["standard_webhooks_spec_vector"]


@pytest.fixture
def token_vector(vectors: dict[str, dict[str, str]]) -> dict[str, str]:
    return vectors["asyncevents_token_vector"]


def at(timestamp: str) -> datetime:
    return datetime.fromtimestamp(int(timestamp), tz=UTC)


def notification(token: str, delivery_id: uuid.UUID | None = None, **changes: Any) -> Notification:
    """A delivery of :data:`PAYLOAD` signed with ``token``."""
    return any_notification(token=token, delivery_id=delivery_id or uuid.uuid4(), payload=PAYLOAD, **changes)


# --- the Standard Webhooks spec vector ---------------------------------------------------------


def test_spec_vector_is_reproduced_by_our_signature(spec_vector: dict[str, str]) -> None:
    key = base64.b64decode(spec_vector["secret"].removeprefix("whsec_"))

    signature = standard_signature(
        key,
        spec_vector["webhook-id"],
        int(spec_vector["webhook-timestamp"]),
        spec_vector["body"].encode(),
    )

    assert signature == spec_vector["webhook-signature"]


def test_spec_vector_is_reproduced_by_the_standardwebhooks_library(
    spec_vector: dict[str, str],
) -> None:
    # The library's verify() refuses timestamps older than five minutes, so a fixed vector
    # is checked through sign(), which verify() itself compares against.
    webhook = Webhook(spec_vector["secret"])

    signature = webhook.sign(
        spec_vector["webhook-id"], at(spec_vector["webhook-timestamp"]), spec_vector["body"]
    )

    assert signature == spec_vector["webhook-signature"]


# --- the token-keyed vector --------------------------------------------------------------------


def test_token_vector_magento_signature_is_hex_hmac_of_the_body(
    token_vector: dict[str, str],
) -> None:
    key = token_vector["verification_token"].encode()

    signature = magento_signature(key, token_vector["body"].encode())

    assert signature == token_vector["x-magento-signature"]
    assert signature == signature.lower()


def test_token_vector_standard_signature_is_keyed_with_the_token_bytes(
    token_vector: dict[str, str],
) -> None:
    key = token_vector["verification_token"].encode()

    signature = standard_signature(
        key,
        token_vector["webhook-id"],
        int(token_vector["webhook-timestamp"]),
        token_vector["body"].encode(),
    )

    assert signature == token_vector["webhook-signature"]


def test_receiver_secret_is_whsec_and_base64_of_the_token(token_vector: dict[str, str]) -> None:
    secret = receiver_secret(token_vector["verification_token"])

    assert secret == token_vector["standard_webhooks_secret_for_receivers"]


def test_receiver_secret_makes_the_library_produce_the_token_vector(
    token_vector: dict[str, str],
) -> None:
    webhook = Webhook(receiver_secret(token_vector["verification_token"]))

    signature = webhook.sign(
        token_vector["webhook-id"], at(token_vector["webhook-timestamp"]), token_vector["body"]
    )

    assert signature == token_vector["webhook-signature"]


def test_notifier_sends_exactly_the_token_vector(token_vector: dict[str, str]) -> None:
    notifier = HttpNotifier(HttpSettings())
    delivery = notification(token_vector["verification_token"], uuid.UUID(token_vector["webhook-id"]))
    body = render_body(PAYLOAD)

    headers = notifier.headers(delivery, body, int(token_vector["webhook-timestamp"]))

    assert body == token_vector["body"].encode()
    assert headers == {
        "content-type": "application/json",
        "x-magento-signature": token_vector["x-magento-signature"],
        "webhook-id": token_vector["webhook-id"],
        "webhook-timestamp": token_vector["webhook-timestamp"],
        "webhook-signature": token_vector["webhook-signature"],
        "x-asyncevents-event": "sales.order.created",
    }


# --- headers of a fresh delivery verify with the library ---------------------------------------


@pytest.mark.parametrize("token", ["fv38u07Wdh$R@mRd", "pässwörd-€-日本", "x"])
def test_fresh_headers_verify_with_the_standardwebhooks_library(token: str) -> None:
    notifier = HttpNotifier(HttpSettings())
    body = render_body(PAYLOAD)

    headers = notifier.headers(notification(token), body, int(time.time()))

    assert Webhook(receiver_secret(token)).verify(body, headers) == {"data": PAYLOAD}


def test_headers_do_not_verify_with_another_token() -> None:
    notifier = HttpNotifier(HttpSettings())
    body = render_body(PAYLOAD)

    headers = notifier.headers(notification("the-right-token"), body, int(time.time()))

    with pytest.raises(WebhookVerificationError):
        Webhook(receiver_secret("the-wrong-token")).verify(body, headers)


def test_headers_do_not_verify_a_tampered_body() -> None:
    notifier = HttpNotifier(HttpSettings())
    body = render_body(PAYLOAD)
    headers = notifier.headers(notification("fv38u07Wdh$R@mRd"), body, int(time.time()))

    tampered = body.replace(b"42", b"43")

    with pytest.raises(WebhookVerificationError):
        Webhook(receiver_secret("fv38u07Wdh$R@mRd")).verify(tampered, headers)


# --- end to end: what goes over the wire -------------------------------------------------------


@dataclass
class Hook:
    url: str = ""
    bodies: list[bytes] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.read())
        self.headers.append({key.lower(): value for key, value in request.headers.items()})
        return web.Response(text="ok")


@pytest.fixture
async def hook() -> AsyncIterator[Hook]:
    receiver = Hook()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    async with on_loopback(app) as base:
        receiver.url = f"{base}/hook"
        yield receiver


async def test_delivered_request_verifies_with_both_schemes(hook: Hook) -> None:
    token = "fv38u07Wdh$R@mRd"
    notifier = HttpNotifier(HttpSettings())
    delivery = notification(token, recipient=hook.url)
    try:
        result = await notifier.send(delivery)
    finally:
        await notifier.close()

    assert result.success, result.detail
    assert result.status_code == 200
    [body], [headers] = hook.bodies, hook.headers
    assert body == b'{"data":{"entity_id":42,"increment_id":"CK00000042"}}'
    assert headers["content-type"] == "application/json"
    assert headers["x-asyncevents-event"] == "sales.order.created"
    assert headers["webhook-id"] == str(delivery.delivery_id)
    assert headers["x-magento-signature"] == magento_signature(token.encode(), body)
    assert Webhook(receiver_secret(token)).verify(body, headers) == {"data": PAYLOAD}


async def test_every_attempt_of_a_delivery_carries_the_same_webhook_id(hook: Hook) -> None:
    token = "fv38u07Wdh$R@mRd"
    delivery_id = uuid.uuid4()
    notifier = HttpNotifier(HttpSettings())
    try:
        for attempt in (1, 2, 3):
            await notifier.send(notification(token, delivery_id, recipient=hook.url, attempt=attempt))
    finally:
        await notifier.close()

    assert [headers["webhook-id"] for headers in hook.headers] == [str(delivery_id)] * 3
    for body, headers in zip(hook.bodies, hook.headers, strict=True):
        Webhook(receiver_secret(token)).verify(body, headers)
