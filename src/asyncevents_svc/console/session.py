"""The console's sign-in cookie: a server-side session's id and the API key, sealed together.

The cookie is Fernet-encrypted with the service's encryption key, so it is opaque to the
browser and to anyone who reads it, and cannot be forged. It names a ``web_sessions`` row
(``auth/web_sessions.py``): every page checks that the row is live (one primary-key
lookup), so signing out ends the session in every process — a copied cookie stops working
at once — and re-checks the key (a revoked or expired key signs the console out). The key
travels in the cookie, not in the database, so the database keeps only keys' hashes. The
cookie and the session last :data:`MAX_AGE`; it is ``SameSite=Strict``, and every form
POST must also come from the console's own origin.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import orjson

from asyncevents_svc.crypto import EncryptionKeyError, TokenCipher

COOKIE = "asyncevents_console"
MAX_AGE = 12 * 3600  # seconds a sign-in lasts


@dataclass(frozen=True)
class Sealed:
    """What a console cookie carries."""

    session_id: uuid.UUID
    key: str


def seal(cipher: TokenCipher, session_id: uuid.UUID, key: str, now: float | None = None) -> str:
    """The cookie value for session ``session_id`` signed in with ``key``."""
    issued = int(time.time() if now is None else now)
    return cipher.encrypt(orjson.dumps({"sid": str(session_id), "key": key, "at": issued}).decode())


def unseal(cipher: TokenCipher, value: str, now: float | None = None) -> Sealed | None:
    """The session id and key in a cookie value; None if it is not ours, tampered with,
    from before server-side sessions, or too old."""
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
    return Sealed(session_id, data["key"]) if 0 <= age <= MAX_AGE else None
