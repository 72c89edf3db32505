"""Intake back-pressure: ``Dispatcher.wait_for_capacity`` holds intake while there is no
room and lets it go as soon as a send finishes — woken by the send, not by a poll.

No database and no network: a notifier that holds every send until the test lets it go,
and a recorder that only keeps what it is given.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, cast

from cryptography.fernet import Fernet

from asyncevents_svc.crypto import TokenCipher
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.deliveries.jobs import SendJob
from asyncevents_svc.notifiers.base import Notification, Notifier, NotifierResult
from asyncevents_svc.notifiers.registry import NotifierRegistry
from asyncevents_svc.observability.tracing import Tracing
from asyncevents_svc.settings import SecuritySettings, TracingSettings, WorkerSettings
from asyncevents_svc.signing.keyring import Keyring
from asyncevents_svc.worker.dispatcher import Dispatcher
from asyncevents_svc.worker.ratelimit import RateLimiter
from asyncevents_svc.worker.recorder import Finished

LIMIT = 2


class HeldNotifier(Notifier):
    """Every send waits until :meth:`finish_one` lets one go."""

    key = "held"

    def __init__(self) -> None:
        self.permits: asyncio.Queue[None] = asyncio.Queue()

    async def check_recipient(self, recipient: str) -> str | None:
        return None

    async def send(self, notification: Notification) -> NotifierResult:
        await self.permits.get()
        return NotifierResult.delivered(1.0, status_code=200)

    def finish_one(self) -> None:
        self.permits.put_nowait(None)


class KeptAttempts:
    """Stands in for the recorder: keeps the finished attempts in memory."""

    def __init__(self) -> None:
        self.finished: list[Finished] = []

    def record(self, finished: Finished) -> None:
        self.finished.append(finished)


def job(cipher: TokenCipher, subscription_id: int) -> SendJob:
    return SendJob(
        delivery_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        event_name="sales.order.created",
        store_id=0,
        subscription_id=subscription_id,
        notifier=HeldNotifier.key,
        recipient="http://127.0.0.1:9/hook",
        token_encrypted=cipher.encrypt("token"),
        payload={"id": 1},
        attempt=1,
    )


def _no_session() -> Any:
    raise AssertionError("this test must not touch the database")


NO_SESSIONS = cast(SessionFactory, _no_session)


async def test_intake_waits_without_room_and_wakes_when_a_send_finishes() -> None:
    cipher = TokenCipher([Fernet.generate_key().decode()])
    notifier = HeldNotifier()
    attempts = KeptAttempts()
    dispatcher = Dispatcher(
        WorkerSettings(max_in_flight=LIMIT, max_in_flight_per_subscription=LIMIT),
        attempts,  # type: ignore[arg-type]  # only record() is called
        sessions=NO_SESSIONS,
        notifiers=NotifierRegistry({HeldNotifier.key: notifier}),
        cipher=cipher,
        keyring=Keyring(NO_SESSIONS, cipher, SecuritySettings()),
        limiter=RateLimiter(NO_SESSIONS, "sqlite"),
        tracing=Tracing(TracingSettings()),
        default_timeout=5.0,
    )
    # Positive control: with room, intake does not wait at all.
    async with asyncio.timeout(1.0):
        await dispatcher.wait_for_capacity()

    # Twice the in-flight limit may be queued: LIMIT sending, LIMIT waiting (on other
    # subscriptions, so they count against the room).
    dispatcher.submit([job(cipher, subscription_id=n) for n in range(2 * LIMIT)])
    assert dispatcher.sending == LIMIT
    assert dispatcher.room == 0
    waiting = asyncio.create_task(dispatcher.wait_for_capacity())
    await asyncio.sleep(0.1)  # ten of the old polls' intervals: still no room, still waiting
    assert not waiting.done()

    notifier.finish_one()
    async with asyncio.timeout(1.0):
        await waiting
    assert dispatcher.room > 0
    assert len(attempts.finished) == 1
    assert attempts.finished[0].result.success

    for _ in range(2 * LIMIT):  # let every other send finish, so nothing is left running
        notifier.finish_one()
    await dispatcher.drain(5.0)
    assert len(attempts.finished) == 2 * LIMIT
