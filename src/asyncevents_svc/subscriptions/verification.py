"""Verified endpoints (``security.verify_endpoints``): a subscription is not delivered to
until its recipient has proven it wants the service's webhooks.

The state machine, on the ``subscriptions`` row:

* a new ``http`` subscription created active, one re-pointed (new ``recipient_url`` or
  notifier) while active or unverified, and one enabled by hand whose recipient was never
  verified, start a **round**: ``status = unverified``, ``verification_started_at`` = now,
  ``verification_due_at`` = now, no attempts;
* the worker (:mod:`asyncevents_svc.worker.verifier`) claims due rounds (the claim moves
  ``verification_due_at`` a lease ahead, ``SKIP LOCKED`` on PostgreSQL) and POSTs each a
  challenge, ``{"type": "endpoint.verification", "challenge": "<random>"}``, signed like a
  delivery (the subscription's token and ``signature`` scheme, its custom headers), through
  the same SSRF guard;
* a 2xx answer whose first ``security.verification_response_bytes`` bytes contain that
  challenge makes it ``active`` (``verified_at`` = now); anything else is a failed attempt,
  and the next is due after ``security.verification_schedule[n]`` seconds, until the
  schedule is spent or ``security.verification_expiry`` has passed since the round began:
  then the round **expires** (nothing is due, ``verification_error`` says why) and the
  subscription stays ``unverified`` until someone sends the challenge again
  (:meth:`SubscriptionService.restart_verification`, the console, the portal).

Each challenge is a fresh ``secrets.token_urlsafe(32)`` that lives only in the worker's
memory for its one request: it is never stored, logged or shown, so an endpoint can echo
only the challenge it was sent, and one echoing another subscription's challenge (or an
older one) verifies nothing. An outcome is written only if the round it belongs to is still
the subscription's (same start, recipient and notifier): a re-point or a re-send meanwhile
wins.

Events are not held for an unverified subscription: fan-out skips it and records the skip
on the event (``subscriptions/fanout.py``), as it does for a filter that did not match.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from sqlalchemy import select, update

from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.lease import Lease
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.subscriptions.status import SubscriptionStatus

CHALLENGE_TYPE = "endpoint.verification"
SKIP_REASON = "unverified: its endpoint has not echoed a challenge yet"


def start_round(sub: Subscription, now: datetime) -> None:
    """A new challenge round, due now: the subscription is ``unverified`` until it succeeds."""
    sub.status = SubscriptionStatus.UNVERIFIED
    sub.verification_started_at = sub.verification_due_at = now
    sub.verification_attempts = 0
    sub.verification_last_at = sub.verification_error = None


def end_round(sub: Subscription) -> None:
    """No challenge due any more (the subscription was disabled, or needs none)."""
    sub.verification_due_at = None


def new_challenge() -> str:
    """A challenge: 32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(32)


def challenge_body(challenge: str) -> bytes:
    """The exact bytes POSTed and signed."""
    return orjson.dumps({"type": CHALLENGE_TYPE, "challenge": challenge})


def echoed(body: bytes, challenge: str) -> bool:
    """Whether ``body`` (already cut to the bytes read) contains the challenge: one
    substring search, linear in the body (CPython's two-way search for long needles)."""
    return challenge.encode() in body


@dataclass(frozen=True)
class DueChallenge:
    """What the worker needs to challenge one subscription, and the round it belongs to."""

    subscription_id: int
    recipient: str
    notifier: str
    token_encrypted: str
    previous_token_encrypted: str | None
    signature: str
    headers_encrypted: str | None
    timeout: float | None
    started_at: datetime
    attempts: int

    @classmethod
    def of(cls, sub: Subscription) -> DueChallenge:
        assert sub.verification_started_at is not None
        previous = sub.previous_token_encrypted
        if sub.previous_token_expires_at is None or sub.previous_token_expires_at <= utcnow():
            previous = None
        return cls(
            subscription_id=sub.id,
            recipient=sub.recipient_url,
            notifier=sub.notifier,
            token_encrypted=sub.token_encrypted,
            previous_token_encrypted=previous,
            signature=sub.signature,
            headers_encrypted=sub.headers_encrypted,
            timeout=sub.timeout,
            started_at=sub.verification_started_at,
            attempts=sub.verification_attempts,
        )


async def claim_due(sessions: SessionFactory, lease: Lease, limit: int, now: datetime) -> list[DueChallenge]:
    """Lease up to ``limit`` subscriptions whose next challenge is due (earliest first, by
    ``ix_subscriptions_verification_due``); workers share them with ``SKIP LOCKED``."""
    async with sessions() as session, session.begin():
        subs = list(
            await session.scalars(
                select(Subscription)
                .where(
                    Subscription.verification_due_at.is_not(None),
                    Subscription.verification_due_at <= now,
                    Subscription.status == SubscriptionStatus.UNVERIFIED,
                )
                .order_by(Subscription.verification_due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        for sub in subs:
            sub.verification_due_at = lease.until(now)
        return [DueChallenge.of(sub) for sub in subs]


@dataclass(frozen=True)
class Timing:
    """``security.verification_schedule`` and ``security.verification_expiry``."""

    schedule: tuple[float, ...]
    expiry: float

    def next_after(self, due: DueChallenge, now: datetime) -> datetime | None:
        """When the challenge after a failed one is due, or ``None``: the round expires."""
        failed = due.attempts + 1
        if failed > len(self.schedule):
            return None
        at = now + timedelta(seconds=self.schedule[failed - 1])
        return at if at < due.started_at + timedelta(seconds=self.expiry) else None

    def expired(self, due: DueChallenge, now: datetime) -> bool:
        return now >= due.started_at + timedelta(seconds=self.expiry)


def _same_round(due: DueChallenge) -> tuple[object, ...]:
    return (
        Subscription.id == due.subscription_id,
        Subscription.status == SubscriptionStatus.UNVERIFIED,
        Subscription.verification_started_at == due.started_at,
        Subscription.recipient_url == due.recipient,
        Subscription.notifier == due.notifier,
    )


async def record(
    sessions: SessionFactory, due: DueChallenge, error: str | None, now: datetime, timing: Timing
) -> bool:
    """Write a challenge's outcome (``error`` None: echoed, the subscription is active) if
    its round is still the subscription's; True when it was written."""
    if error is None:
        values: dict[str, object] = {
            "status": SubscriptionStatus.ACTIVE,
            "verified_at": now,
            "verification_due_at": None,
            "verification_error": None,
        }
    else:
        following = timing.next_after(due, now)
        if following is None:
            error = f"expired after {due.attempts + 1} challenge(s), none echoed; the last: {error}"
        values = {"verification_due_at": following, "verification_error": error[:500]}
    values |= {"verification_attempts": due.attempts + 1, "verification_last_at": now, "modified": now}
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(Subscription)
            .where(*_same_round(due))  # type: ignore[arg-type]
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def expire(sessions: SessionFactory, due: DueChallenge, now: datetime) -> None:
    """End a round found past its expiry at the claim (a worker was down): nothing sent."""
    error = f"expired after {due.attempts} challenge(s), none echoed"
    async with sessions() as session, session.begin():
        await session.execute(
            update(Subscription)
            .where(*_same_round(due))  # type: ignore[arg-type]
            .values(verification_due_at=None, verification_error=error)
            .execution_options(synchronize_session=False)
        )
