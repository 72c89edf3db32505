"""Secret rotation: a verification token's overlap window, and re-encryption under a new key."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from datetime import timedelta

import httpx
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import select, update
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from asyncevents_svc.db.models import Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.signing import receiver_secret
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from asyncevents_svc.worker.runner import Worker
from tests.support import processes
from tests.support.helpers import publish, subscribe
from tests.support.receiver import Receiver

OLD, NEW = "the-old-token-123", "the-new-token-456"


async def test_during_the_overlap_both_secrets_verify_and_after_it_only_the_new_one(
    api: httpx.AsyncClient, runtime: Runtime, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", verification_token=OLD)
    await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"verification_token": NEW})

    await publish(api)
    [during] = await receiver.wait_for(1)

    Webhook(receiver_secret(OLD)).verify(during.body, during.headers)
    Webhook(receiver_secret(NEW)).verify(during.body, during.headers)
    assert (
        during.headers["x-magento-signature"]
        == hmac.new(NEW.encode(), during.body, hashlib.sha256).hexdigest()
    )

    async with runtime.sessions() as session:
        await session.execute(
            update(Subscription).values(previous_token_expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    await publish(api, arguments={"id": 2})
    _, after = await receiver.wait_for(2)

    Webhook(receiver_secret(NEW)).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver_secret(OLD)).verify(after.body, after.headers)


async def test_patching_the_same_token_again_starts_no_overlap(
    api: httpx.AsyncClient, runtime: Runtime
) -> None:
    sub = await subscribe(api, "https://example.com/h", verification_token=OLD)
    await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"verification_token": OLD})
    async with runtime.sessions() as session:
        stored = await session.scalar(select(Subscription))
    assert stored is not None
    assert stored.previous_token_encrypted is None


@pytest.mark.worker  # starts a worker process
async def test_reencryption_under_a_new_key_leaves_every_subscription_deliverable(
    api: httpx.AsyncClient, settings: Settings, receiver: Receiver
) -> None:
    for n in range(3):
        await subscribe(
            api,
            f"{receiver.url}/ok/{n}",
            verification_token=f"{OLD}-{n}",
            headers={"X-Receiver-Auth": f"receiver-secret-{n}"},  # encrypted with the same key
        )
    old_key = settings.encryption_key
    assert old_key is not None
    new_key = Fernet.generate_key().decode()
    both = settings.model_copy(
        update={"encryption_key": SecretStr(f"{new_key},{old_key.get_secret_value()}")}
    )
    only_new = settings.model_copy(update={"encryption_key": SecretStr(new_key)})

    done = await asyncio.to_thread(processes.run_cli, both, "rotate-encryption-key")
    assert done.returncode == 0, done.stderr
    assert "re-encrypted 3 subscriptions" in done.stdout

    worker_process = processes.start("worker", only_new)
    try:
        await publish(api)
        received = await receiver.wait_for(3)
    finally:
        await asyncio.to_thread(processes.terminate, worker_process)
    for request in received:
        number = request.path.rsplit("/", 1)[1]
        Webhook(receiver_secret(f"{OLD}-{number}")).verify(request.body, request.headers)
        assert request.headers["x-receiver-auth"] == f"receiver-secret-{number}"
