"""End to end: what the real worker sends to a real loopback receiver verifies with the
public keys of ``GET /v1/signing-keys`` alone (``v1a``), with the ``standardwebhooks``
library (the ``v1`` of ``both``), and across a key rotation's overlap."""

from __future__ import annotations

import base64
import io
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import update
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from asyncevents_svc.cli.verbs.signing import manage_signing_keys
from asyncevents_svc.db.models import SigningKey
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.signing import receiver_secret
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import TOKEN, eventually, publish, subscribe
from tests.support.receiver import Received, Receiver

StartWorker = Callable[..., Awaitable[Worker]]
REFRESH = 0.2  # the workers here read the key table this often


async def published_keys(anonymous: httpx.AsyncClient) -> dict[str, Ed25519PublicKey]:
    """The JWKS as a receiver reads it: kid -> public key, from ``x`` alone."""
    keys = (await anonymous.get("/v1/signing-keys")).json()["keys"]
    return {
        key["kid"]: Ed25519PublicKey.from_public_bytes(
            base64.urlsafe_b64decode(key["x"] + "=" * (-len(key["x"]) % 4))
        )
        for key in keys
    }


def v1a_signers(request: Received, keys: dict[str, Ed25519PublicKey]) -> list[str]:
    """For each ``v1a`` entry of the request, the kid of the published key it verifies with."""
    signed = (
        f"{request.headers['webhook-id']}.{request.headers['webhook-timestamp']}.".encode() + request.body
    )
    found = []
    for entry in request.headers["webhook-signature"].split(" "):
        version, signature = entry.split(",", 1)
        if version != "v1a":
            continue
        for kid, public in keys.items():
            try:
                public.verify(base64.b64decode(signature), signed)
            except InvalidSignature:
                continue
            found.append(kid)
            break
        else:
            raise AssertionError(f"a v1a signature verifies with no published key: {entry}")
    return found


async def test_a_v1a_delivery_verifies_with_the_published_key_alone(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    await start_worker()
    await subscribe(api, f"{receiver.url}/ok", signature="v1a")

    await publish(api)
    [request] = await receiver.wait_for(1)

    keys = await published_keys(anonymous)
    assert v1a_signers(request, keys) == list(keys)
    assert [entry.split(",")[0] for entry in request.headers["webhook-signature"].split(" ")] == ["v1a"]
    with pytest.raises(WebhookVerificationError):  # no HMAC signature to find
        Webhook(receiver_secret(TOKEN)).verify(request.body, request.headers)


async def test_both_carries_a_v1_the_library_verifies_and_a_v1a_that_verifies(
    api: httpx.AsyncClient, anonymous: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    await start_worker()
    await subscribe(api, f"{receiver.url}/ok", signature="both")

    await publish(api)
    [request] = await receiver.wait_for(1)

    assert Webhook(receiver_secret(TOKEN)).verify(request.body, request.headers)["data"]["entity_id"] == 42
    assert [entry.split(",")[0] for entry in request.headers["webhook-signature"].split(" ")] == ["v1", "v1a"]
    assert len(v1a_signers(request, await published_keys(anonymous))) == 1


async def test_a_v1_subscription_gets_no_v1a_signature(
    api: httpx.AsyncClient, start_worker: StartWorker, receiver: Receiver
) -> None:
    await start_worker()
    await subscribe(api, f"{receiver.url}/ok")

    await publish(api)
    [request] = await receiver.wait_for(1)

    assert request.headers["webhook-signature"].startswith("v1,")
    assert "v1a," not in request.headers["webhook-signature"]


async def test_during_a_rotation_both_keys_sign_and_after_it_only_the_new_one(
    api: httpx.AsyncClient,
    anonymous: httpx.AsyncClient,
    runtime: Runtime,
    settings: Settings,
    start_worker: StartWorker,
    receiver: Receiver,
) -> None:
    await start_worker(security={"signing_key_refresh": REFRESH})
    await subscribe(api, f"{receiver.url}/ok", signature="v1a")
    await publish(api, arguments={"id": 1})
    [before] = await receiver.wait_for(1)
    [old] = v1a_signers(before, await published_keys(anonymous))

    await manage_signing_keys(settings, "rotate", overlap=3600, out=io.StringIO())  # the CLI's
    runtime.keyring.forget()  # the API process reads the table again now, not in 30 s
    keys = await published_keys(anonymous)
    [new] = set(keys) - {old}

    async def sees_the_new_key() -> bool:  # the worker's cache ends within REFRESH
        receiver.clear()
        await publish(api, arguments={"id": 2})
        [during] = await receiver.wait_for(1)
        return len(v1a_signers(during, keys)) == 2

    await eventually(sees_the_new_key)
    [during] = receiver.requests
    assert v1a_signers(during, keys) == [new, old]

    async with runtime.sessions() as session:  # the overlap ends
        await session.execute(
            update(SigningKey).where(SigningKey.kid == old).values(retires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    runtime.keyring.forget()

    assert list(await published_keys(anonymous)) == [new]

    async def signs_with_the_new_key_only() -> bool:
        receiver.clear()
        await publish(api, arguments={"id": 3})
        [after] = await receiver.wait_for(1)
        return v1a_signers(after, keys) == [new]

    await eventually(signs_with_the_new_key_only)
