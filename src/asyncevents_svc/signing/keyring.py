"""The service's Ed25519 signing keys: which sign now, which are published, rotation.

Two sources, one chosen by the settings:

* ``security.signing_keys`` given: those keys, all signing and published, in that order;
  they rotate by configuration (add the new key, remove the old one after the overlap).
* otherwise the ``signing_keys`` table: the first key is generated on first use (the first
  ``v1a`` send or JWKS request), its private half encrypted with the service's Fernet
  key(s) like the subscriptions' tokens. :meth:`Keyring.rotate` (``asyncevents-svc
  signing-keys rotate``) adds a key that signs first; the keys it replaces keep signing and
  stay published for ``security.signing_key_overlap`` seconds, then are retired (neither
  signing nor published; their rows stay for the record).

A process reads the table again at most every ``security.signing_key_refresh`` seconds, so a
rotation reaches every worker within that; a key's retirement time is checked at each
send, so an old key never signs past its overlap.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.crypto import TokenCipher
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import SigningKey
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.ed25519 import (
    private_key_from_base64,
    private_key_to_base64,
    public_jwk,
    thumbprint,
)
from asyncevents_svc.settings import SecuritySettings


class SigningKeyError(Exception):
    """The configured signing keys are unusable, or a rotation is not possible."""


class KeyState(StrEnum):
    """Where a key is in its life (the console's Signing keys page)."""

    SIGNING = "signing"  # signs and is published, until a rotation replaces it
    RETIRING = "retiring"  # replaced: still signs and is published until its retirement time
    RETIRED = "retired"  # neither signs nor is published; its row stays for the record


@dataclass(frozen=True)
class ActiveKey:
    """A key that signs (and is published) until ``retires_at`` (``None``: until replaced)."""

    kid: str
    private: Ed25519PrivateKey
    generation: int = 0  # 0: given by the setting
    created_at: datetime | None = None
    retires_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.retires_at is None or self.retires_at > now

    def state(self, now: datetime) -> KeyState:
        if self.retires_at is None:
            return KeyState.SIGNING
        return KeyState.RETIRING if self.retires_at > now else KeyState.RETIRED

    def jwk(self) -> dict[str, str]:
        return public_jwk(self.private.public_key())


def configured_keys(settings: SecuritySettings) -> tuple[ActiveKey, ...] | None:
    """The keys ``security.signing_keys`` gives, or ``None`` when it is unset."""
    if settings.signing_keys is None:
        return None
    texts = [part for part in settings.signing_keys.get_secret_value().split(",") if part.strip()]
    if not texts:
        raise SigningKeyError("ASYNCEVENTS_SECURITY__SIGNING_KEYS is set but names no key")
    keys = []
    for number, text in enumerate(texts, start=1):
        try:
            private = private_key_from_base64(text)
        except ValueError as exc:
            raise SigningKeyError(f"ASYNCEVENTS_SECURITY__SIGNING_KEYS, key {number}: {exc}") from exc
        keys.append(ActiveKey(thumbprint(private.public_key()), private))
    return tuple(keys)


class Keyring:
    """The signing keys of one process (shared by its API and its worker)."""

    def __init__(
        self,
        sessions: SessionFactory,
        cipher: TokenCipher,
        settings: SecuritySettings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.cipher = cipher
        self.overlap = settings.signing_key_overlap
        self.refresh = settings.signing_key_refresh
        self.configured = configured_keys(settings)
        self._clock = clock
        self._keys: tuple[ActiveKey, ...] = ()
        self._loaded_at: float | None = None
        self._lock = asyncio.Lock()

    async def active(self) -> tuple[ActiveKey, ...]:
        """The keys that sign now, newest first (never empty: the first is made if needed)."""
        now = utcnow()
        return tuple(key for key in await self._current() if key.active(now))

    async def signers(self) -> tuple[Ed25519PrivateKey, ...]:
        """The private keys a ``v1a`` signature is made with now, one signature each."""
        return tuple(key.private for key in await self.active())

    async def jwks(self) -> dict[str, list[dict[str, str]]]:
        """The public keys of :meth:`active` as a JWK Set (no private member)."""
        return {"keys": [key.jwk() for key in await self.active()]}

    def forget(self) -> None:
        """Read the table again at the next use (after this process rotated)."""
        self._loaded_at = None

    async def _current(self) -> tuple[ActiveKey, ...]:
        if self.configured is not None:
            return self.configured
        if self._fresh():
            return self._keys
        async with self._lock:
            if not self._fresh():
                self._keys = await self._load()
                self._loaded_at = self._clock()
        return self._keys

    def _fresh(self) -> bool:
        return self._loaded_at is not None and self._clock() - self._loaded_at < self.refresh

    async def _load(self) -> tuple[ActiveKey, ...]:
        """The table's unretired keys; the first one is generated when there is none."""
        for _ in range(3):
            async with self.sessions() as session:
                # The highest generation before the keys: a process that commits a first key
                # in between is then seen in the second read, and one that commits after
                # both reads adds the same generation, which the primary key refuses.
                highest = await self._highest(session)
                keys = await self._read(session)
                if keys:
                    return keys
                try:
                    await self._add(session, highest)
                    await session.commit()
                except IntegrityError:  # another process made it at the same moment: read theirs
                    await session.rollback()
        raise SigningKeyError("no signing key could be read or created")  # pragma: no cover

    async def _read(self, session: AsyncSession) -> tuple[ActiveKey, ...]:
        now = utcnow()
        rows = await session.scalars(
            select(SigningKey)
            .where(or_(SigningKey.retires_at.is_(None), SigningKey.retires_at > now))
            .order_by(SigningKey.generation.desc())
        )
        return tuple(self._key_of(row) for row in rows)

    def _key_of(self, row: SigningKey) -> ActiveKey:
        private = private_key_from_base64(self.cipher.decrypt(row.private_key_encrypted))
        return ActiveKey(row.kid, private, row.generation, row.created_at, row.retires_at)

    async def _highest(self, session: AsyncSession) -> int:
        return int(await session.scalar(select(func.max(SigningKey.generation))) or 0)

    async def _add(self, session: AsyncSession, highest: int) -> SigningKey:
        """A new key, one generation above ``highest`` (not yet committed)."""
        private = Ed25519PrivateKey.generate()
        row = SigningKey(
            generation=highest + 1,
            kid=thumbprint(private.public_key()),
            private_key_encrypted=self.cipher.encrypt(private_key_to_base64(private)),
            created_at=utcnow(),
        )
        session.add(row)
        await session.flush()
        return row

    async def rotate(self, overlap: float | None = None) -> tuple[ActiveKey, tuple[ActiveKey, ...]]:
        """Add a key that signs first; the keys signing until now retire after ``overlap``
        seconds (default ``security.signing_key_overlap``; 0: at once). Returns the new key
        and the ones it replaces, with their retirement time."""
        if self.configured is not None:
            raise SigningKeyError(
                "the signing keys are given by ASYNCEVENTS_SECURITY__SIGNING_KEYS: rotate them there"
            )
        seconds = self.overlap if overlap is None else overlap
        if seconds < 0:
            raise SigningKeyError("the overlap cannot be negative")
        async with self.sessions() as session, session.begin():
            now = utcnow()
            retires = now + timedelta(seconds=seconds)
            previous = (
                await session.scalars(
                    select(SigningKey)
                    .where(or_(SigningKey.retires_at.is_(None), SigningKey.retires_at > now))
                    .with_for_update()
                )
            ).all()
            for row in previous:
                if row.retires_at is None or row.retires_at > retires:
                    row.retires_at = retires
            new = await self._add(session, await self._highest(session))
            result = self._key_of(new), tuple(self._key_of(row) for row in previous)
        self.forget()
        return result

    async def listing(self) -> list[ActiveKey]:
        """Every key, newest first, retired ones too (the CLI's ``signing-keys list``)."""
        if self.configured is not None:
            return list(self.configured)
        async with self.sessions() as session:
            rows = await session.scalars(select(SigningKey).order_by(SigningKey.generation.desc()))
            return [self._key_of(row) for row in rows]
