"""Re-encrypting the subscriptions' stored secrets -- the token, the previous token kept
during a rotation's overlap and the custom headers' values -- under the cipher's first key (the work of
``asyncevents-svc rotate-encryption-key``), a batch per transaction; then the service's
Ed25519 signing keys (a few rows, one transaction).

Batches walk the ids upwards, one short transaction each, so a long run never holds many
rows locked and the API keeps working meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from asyncevents_svc.crypto import TokenCipher
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import SigningKey, Subscription


async def reencrypt_tokens(
    sessions: SessionFactory,
    cipher: TokenCipher,
    *,
    batch: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Rotate every stored secret (token, previous token, custom headers); returns how many
    subscriptions were rewritten. ``progress(done, total)`` is called after each batch."""
    async with sessions() as session:
        total = int(await session.scalar(select(func.count()).select_from(Subscription)) or 0)
    done, last_id = 0, 0
    while True:
        after = select(Subscription).where(Subscription.id > last_id)
        async with sessions() as session, session.begin():
            rows = (await session.scalars(after.order_by(Subscription.id).limit(batch))).all()
            for sub in rows:
                sub.token_encrypted = cipher.rotate(sub.token_encrypted)
                if sub.previous_token_encrypted:
                    sub.previous_token_encrypted = cipher.rotate(sub.previous_token_encrypted)
                if sub.headers_encrypted:
                    sub.headers_encrypted = cipher.rotate(sub.headers_encrypted)
        if not rows:
            await _reencrypt_signing_keys(sessions, cipher)
            return done
        done += len(rows)
        last_id = rows[-1].id
        if progress is not None:
            progress(done, total)


async def _reencrypt_signing_keys(sessions: SessionFactory, cipher: TokenCipher) -> None:
    async with sessions() as session, session.begin():
        for key in await session.scalars(select(SigningKey)):
            key.private_key_encrypted = cipher.rotate(key.private_key_encrypted)
