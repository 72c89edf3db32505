"""The worker's endpoint challenges (``security.verify_endpoints``): every
``worker.poll_interval`` seconds it claims the subscriptions whose next challenge is due,
POSTs each one its challenge and writes the outcome. The rules (the state machine, the
back-off, what counts as an echo) are :mod:`asyncevents_svc.subscriptions.verification`'s;
this module only sends. It runs in the worker so that no API request ever waits on a
remote URL."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

import orjson
import structlog

from asyncevents_svc.crypto import TokenCipher
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.base import Notification
from asyncevents_svc.notifiers.http import HttpNotifier, signed_headers
from asyncevents_svc.notifiers.registry import NotifierRegistry
from asyncevents_svc.settings import SecuritySettings
from asyncevents_svc.signing.keyring import Keyring
from asyncevents_svc.subscriptions import verification
from asyncevents_svc.subscriptions.verification import CHALLENGE_TYPE, DueChallenge, Timing
from asyncevents_svc.worker.periodic import every

log = structlog.get_logger(__name__)
BATCH = 50  # challenges claimed (and sent at once) per scan


class Verifier:
    """Sends due endpoint challenges for one worker."""

    def __init__(
        self,
        sessions: SessionFactory,
        notifiers: NotifierRegistry,
        cipher: TokenCipher,
        keyring: Keyring,
        security: SecuritySettings,
        *,
        poll_interval: float,
        lease: Lease,
    ) -> None:
        self.sessions = sessions
        self.notifiers = notifiers
        self.cipher = cipher
        self.keyring = keyring
        self.timing = Timing(tuple(security.verification_schedule), security.verification_expiry)
        self.read_bytes = security.verification_response_bytes
        self.poll_interval = poll_interval
        self.lease = lease
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(
            every(self.poll_interval, self.tick, self._stop, "verification_failed"), name="verifier"
        )

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            # A challenge cut short is sent again when its lease runs out.
            done, _ = await asyncio.wait([self._task], timeout=5.0)
            if not done:
                self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def tick(self) -> bool:
        """One scan; True when a full batch was claimed (more may be due)."""
        claimed = await verification.claim_due(self.sessions, self.lease, BATCH, utcnow())
        if claimed:
            await asyncio.gather(*(self.challenge(due) for due in claimed))
        return len(claimed) == BATCH

    async def challenge(self, due: DueChallenge) -> None:
        """Send one challenge and record what came of it."""
        if self.timing.expired(due, utcnow()):
            await verification.expire(self.sessions, due, utcnow())
            return
        error = await self._send(due)
        written = await verification.record(self.sessions, due, error, utcnow(), self.timing)
        log.info(
            "endpoint_verified" if error is None else "endpoint_challenge_failed",
            subscription_id=due.subscription_id,
            attempt=due.attempts + 1,
            error=error,
            superseded=not written,
        )

    async def _send(self, due: DueChallenge) -> str | None:
        """``None`` when the endpoint echoed the challenge, else what went wrong (never the
        challenge, nor the response body: both stay here)."""
        notifier = self.notifiers.get(due.notifier)
        if not isinstance(notifier, HttpNotifier):
            return f"notifier {due.notifier!r} cannot be challenged by this worker"
        challenge = verification.new_challenge()
        body = verification.challenge_body(challenge)
        previous = due.previous_token_encrypted
        notification = Notification(
            delivery_id=uuid.uuid4(),  # the challenge's webhook-id
            event_id=uuid.uuid4(),
            event_name=CHALLENGE_TYPE,
            store_id=0,
            subscription_id=due.subscription_id,
            recipient=due.recipient,
            token=self.cipher.decrypt(due.token_encrypted),
            previous_token=self.cipher.decrypt(previous) if previous else None,
            payload=None,
            attempt=due.attempts + 1,
            signature=due.signature,
            signing_keys=await self.keyring.signers() if due.signature != "v1" else (),
        )
        own = orjson.loads(self.cipher.decrypt(due.headers_encrypted)) if due.headers_encrypted else {}
        headers = {**own, **signed_headers(notification, body, int(time.time()))}
        answer = await notifier.post_challenge(
            due.recipient, body, headers, timeout=due.timeout, read_bytes=self.read_bytes
        )
        if answer.error is not None:
            return answer.error
        assert answer.status is not None
        if not 200 <= answer.status < 300:
            return f"answered {answer.status}"
        if not verification.echoed(answer.body, challenge):
            return f"answered {answer.status} without the challenge in its first {self.read_bytes} bytes"
        return None
