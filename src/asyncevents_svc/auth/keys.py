"""API keys: ``ae_<prefix>_<secret>``; stored as the prefix and a SHA-256 of the whole key.

Keys carry 256 random bits, so a fast hash is enough (nothing to brute-force); the prefix
finds the row and :func:`hmac.compare_digest` compares the hashes in constant time. A
verified key is cached for a few seconds per process so that authentication costs no
query on the hot path; a revocation through this process takes effect at once, through
another process within :data:`CACHE_SECONDS`.

Failed attempts are budgeted per client address (:mod:`.throttle`): past the budget, a key
that is not in the cache is refused with :class:`TooManyRequests` before any lookup. A key
this process verified in the last few seconds still passes from a throttled address (it
costs nothing and proves nothing new to a guesser); any other key, even a valid one, waits
for ``Retry-After`` there, while the same key from another address works at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.auth import web_sessions
from asyncevents_svc.auth.scopes import ADMIN, ALL, OPERATOR_ONLY
from asyncevents_svc.auth.throttle import FailureLimiter
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import ApiKey
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import TooManyRequests, ValidationFailed

CACHE_SECONDS = 5.0
LAST_USED_EVERY = 60.0


@dataclass(frozen=True)
class Caller:
    """Who is calling: the key's id, name and scopes, and the application the key is bound
    to (``None``: an operator key, whose scopes reach every application)."""

    key_id: uuid.UUID
    name: str
    scopes: frozenset[str]
    application_id: int | None = None

    @property
    def operator(self) -> bool:
        return self.application_id is None


def new_key() -> tuple[str, str]:
    """A fresh key and its prefix."""
    prefix = secrets.token_hex(6)
    return f"ae_{prefix}_{secrets.token_urlsafe(32)}", prefix


#: What :func:`new_key` makes, for keys given from outside (the bootstrap key).
KEY_FORMAT = re.compile(r"ae_[0-9a-f]{12}_[A-Za-z0-9_-]{43,256}")
#: Prints a key in that format; docs/security.md and the start-up error show it.
GENERATE_KEY = (
    """python3 -c 'import secrets; print(f"ae_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}")'"""
)
#: 43 random URL-safe characters hold fewer than 16 different ones with a chance below 1.3e-13
#: (C(64, 15) x (15/64)^43); a human's "aaaa..." or "abab..." holds far fewer.
_MIN_DISTINCT = 16


def key_problem(key: str) -> str | None:
    """Why ``key`` is not a key as :func:`new_key` makes them, or ``None``.

    The format alone is not enough: 43 times "a" has it. The secret part must also look
    random: at least 16 different characters, and not mostly runs or sequences of
    neighbouring characters ("abcd...", "0123...").
    """
    if not KEY_FORMAT.fullmatch(key):
        return "must be ae_<12 hex digits>_<at least 43 URL-safe random characters>, as keys are generated"
    secret = key[16:]
    if len(set(secret)) < _MIN_DISTINCT:
        return f"its random part must hold at least {_MIN_DISTINCT} different characters"
    neighbours = sum(1 for a, b in itertools.pairwise(secret) if abs(ord(a) - ord(b)) <= 1)
    if 2 * neighbours > len(secret):
        return "its random part is mostly runs or sequences of neighbouring characters"
    return None


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


#: Custom keys can no longer be created (:func:`key_problem`); ones created before, of at
#: least this length, are still found by a piece of their hash.
MIN_CUSTOM_KEY_LENGTH = 32


def prefix_of(key: str) -> str | None:
    """The lookup prefix: the middle part of our keys; for a custom (bootstrap) key of at
    least 32 characters, created before keys had to be in our format, a piece of its hash."""
    parts = key.split("_")
    if len(parts) >= 3 and parts[0] == "ae" and len(parts[1]) == 12:
        return parts[1]
    if len(key) >= MIN_CUSTOM_KEY_LENGTH:
        return "h" + digest(key)[:11]
    return None


def check_scopes(scopes: list[str], resources: frozenset[str] = frozenset(), *, bound: bool = False) -> None:
    """Scopes are the service's own plus the ``<resource>`` names of the catalogue; a key
    bound to an application cannot hold the operator's (:data:`OPERATOR_ONLY`)."""
    unknown = sorted(set(scopes) - set(ALL) - resources)
    if unknown:
        known = [*ALL, *sorted(resources)]
        raise ValidationFailed("scopes", f"unknown scope(s) {unknown}; known: {known}")
    if not scopes:
        raise ValidationFailed("scopes", "at least one scope is needed")
    operator_only = sorted(set(scopes) & set(OPERATOR_ONLY))
    if bound and operator_only:
        raise ValidationFailed(
            "scopes",
            f"a key bound to an application cannot hold {operator_only}: they reach every application",
        )


async def create_key(
    session: AsyncSession,
    *,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    key: str | None = None,
    resources: frozenset[str] = frozenset(),
    application_id: int | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key (or a given one, for the bootstrap key), bound to ``application_id``
    if given; returns the row and the key."""
    check_scopes(scopes, resources, bound=application_id is not None)
    if key is None:
        key, prefix = new_key()
    else:
        problem = key_problem(key)
        if problem is not None:
            raise ValidationFailed("key", problem)
        prefix = key.split("_")[1]
    row = ApiKey(
        name=name,
        prefix=prefix,
        key_hash=digest(key),
        scopes=sorted(set(scopes)),
        application_id=application_id,
        created_at=utcnow(),
        expires_at=expires_at,
    )
    session.add(row)
    await session.flush()
    return row, key


async def revoke_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKey | None:
    """Revoke a key (the API's and the CLI's way) and end its web sessions, so a console
    signed in with it is signed out in every process at once; None if no such key. The
    caller commits."""
    row = await session.get(ApiKey, key_id)
    if row is None:
        return None
    row.revoked_at = row.revoked_at or utcnow()
    await web_sessions.end_for_key(session, key_id)
    return row


async def prefix_taken(session: AsyncSession, key: str) -> bool:
    prefix = prefix_of(key)
    return (
        prefix is not None
        and await session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None
    )


async def admin_exists(session: AsyncSession) -> bool:
    now = utcnow()
    rows = await session.scalars(
        select(ApiKey).where(
            ApiKey.revoked_at.is_(None),
            ApiKey.application_id.is_(None),
            (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > now),
        )
    )
    return any(ADMIN in row.scopes for row in rows)


class KeyVerifier:
    """Verifies bearer keys against the database, with a short per-process cache and a
    per-address budget of failures."""

    def __init__(self, sessions: SessionFactory, limiter: FailureLimiter | None = None) -> None:
        self.sessions = sessions
        self.limiter = limiter or FailureLimiter(budget=0, window=1.0, max_clients=1)
        self._cache: dict[str, tuple[float, Caller, datetime | None]] = {}
        self._last_used: dict[uuid.UUID, float] = {}
        self._looking_up: dict[str, asyncio.Future[Caller | None]] = {}

    def forget(self, key_id: uuid.UUID) -> None:
        """Drop a key from the cache (after a revocation in this process)."""
        for cached, (_, caller, _) in list(self._cache.items()):
            if caller.key_id == key_id:
                del self._cache[cached]

    async def verify(self, key: str, client: str | None = None) -> Caller | None:
        """The caller for ``key``, or ``None`` if it is unknown, revoked or expired.

        ``client`` is the address the key came from; with it, a wrong key counts against
        that address's budget and a spent budget raises :class:`TooManyRequests` (no
        lookup). Without it (a key sealed in a console cookie, not a guess) nothing counts.
        """
        now = time.monotonic()
        hashed = digest(key)
        hit = self._cache.get(hashed)
        if hit is not None and hit[0] > now and (hit[2] is None or hit[2] > utcnow()):
            return hit[1]
        if client is None:
            return await self._shared_look_up(key, hashed, now)
        pending = self._looking_up.get(hashed)
        if pending is not None:
            # Joining a lookup already under way costs no query, so it takes no token: a burst
            # of requests with one valid, not yet cached key must not spend the address's
            # budget. Only a key that turns out wrong counts, as a failure after the fact.
            caller = await asyncio.shield(pending)
            if caller is None:
                self._count_failure(client)
            return caller
        self._count_failure(client)
        try:
            caller = await self._shared_look_up(key, hashed, now)
        except BaseException:  # a database outage or a cancellation is no failed guess
            self.limiter.give_back(client)
            raise
        if caller is not None:
            self.limiter.give_back(client)
        return caller

    def _count_failure(self, client: str) -> None:
        """Take one token of ``client``'s budget (given back if the key proves valid)."""
        wait = self.limiter.take(client)
        if wait is not None:
            raise TooManyRequests(wait)

    async def _shared_look_up(self, key: str, hashed: str, now: float) -> Caller | None:
        # Concurrent requests with the same uncached key share one lookup.
        pending = self._looking_up.get(hashed)
        if pending is None:
            pending = asyncio.ensure_future(self._look_up(key, hashed, now))
            self._looking_up[hashed] = pending
            pending.add_done_callback(lambda _: self._looking_up.pop(hashed, None))
        return await asyncio.shield(pending)

    async def _look_up(self, key: str, hashed: str, now: float) -> Caller | None:
        prefix = prefix_of(key)
        if prefix is None:
            return None
        async with self.sessions() as session:
            row = await session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
            if row is None or not hmac.compare_digest(row.key_hash, hashed):
                return None
            if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= utcnow()):
                return None
            caller = Caller(row.id, row.name, frozenset(row.scopes), row.application_id)
            if now - self._last_used.get(row.id, 0.0) > LAST_USED_EVERY:
                self._last_used[row.id] = now
                await session.execute(update(ApiKey).where(ApiKey.id == row.id).values(last_used_at=utcnow()))
                await session.commit()
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[hashed] = (now + CACHE_SECONDS, caller, row.expires_at)
        return caller
