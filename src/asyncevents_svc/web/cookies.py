"""A web session's cookie: the server-side session's id and the API key, sealed together.

The cookie is Fernet-encrypted with the service's encryption key, so it is opaque to the
browser and to anyone who reads it, and cannot be forged. It names a ``web_sessions`` row
(``auth/web_sessions.py``): every page checks that the row is live (one primary-key
lookup), so ending the session ends it in every process — a copied cookie stops working at
once — and re-checks the key (a revoked or expired key signs the browser out). The key
travels in the cookie, not in the database, so the database keeps only keys' hashes.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import orjson

from asyncevents_svc.auth import web_sessions
from asyncevents_svc.auth.web_sessions import SessionKind
from asyncevents_svc.crypto import EncryptionKeyError, TokenCipher
from asyncevents_svc.runtime import Runtime


@dataclass(frozen=True)
class Sealed:
    """What a session cookie carries."""

    session_id: uuid.UUID
    key: str


def seal(cipher: TokenCipher, session_id: uuid.UUID, key: str, now: float | None = None) -> str:
    """The cookie value for session ``session_id`` signed in with ``key``."""
    issued = int(time.time() if now is None else now)
    return cipher.encrypt(orjson.dumps({"sid": str(session_id), "key": key, "at": issued}).decode())


def unseal(cipher: TokenCipher, value: str, max_age: float, now: float | None = None) -> Sealed | None:
    """The session id and key in a cookie value; None if it is not ours, tampered with,
    from before server-side sessions, or older than ``max_age`` seconds."""
    try:
        data = orjson.loads(cipher.decrypt(value))
    except (EncryptionKeyError, orjson.JSONDecodeError):
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("key"), str)
        or not isinstance(data.get("at"), int)
        or not isinstance(data.get("sid"), str)
    ):
        return None
    try:
        session_id = uuid.UUID(data["sid"])
    except ValueError:
        return None
    age = (time.time() if now is None else now) - data["at"]
    return Sealed(session_id, data["key"]) if 0 <= age <= max_age else None


@dataclass(frozen=True)
class SignedIn:
    """A live session: its id, its key, and its application (a portal's)."""

    session_id: uuid.UUID
    key: str
    application_id: int | None


async def signed_in(runtime: Runtime, value: str, kind: SessionKind, max_age: float) -> SignedIn | None:
    """The cookie's session if it is live and of ``kind`` and its key is still valid and the
    session's own; None otherwise."""
    sealed = unseal(runtime.cipher, value, max_age)
    if sealed is None:
        return None
    session = await web_sessions.live(runtime.sessions, sealed.session_id, kind)
    if session is None:
        return None
    # No client address: a sealed key is no guess, so it neither counts nor is throttled.
    caller = await runtime.keys.verify(sealed.key)
    if caller is None or caller.key_id != session.key_id:
        return None
    return SignedIn(sealed.session_id, sealed.key, session.application_id)
