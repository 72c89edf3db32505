"""The console's sign-in: the API key, encrypted and timestamped, in an HttpOnly cookie.

The cookie is Fernet-encrypted with the service's encryption key, so it is opaque to the
browser and to anyone who reads it; every page re-checks the key (a revoked or expired key
signs the console out at once) and the cookie expires after :data:`MAX_AGE`. It is
``SameSite=Strict``, and every form POST must also come from the console's own origin.
"""

from __future__ import annotations

import time

import orjson

from asyncevents_svc.crypto import EncryptionKeyError, TokenCipher

COOKIE = "asyncevents_console"
MAX_AGE = 12 * 3600  # seconds a sign-in lasts


def seal(cipher: TokenCipher, key: str, now: float | None = None) -> str:
    """The cookie value for a signed-in ``key``."""
    issued = int(time.time() if now is None else now)
    return cipher.encrypt(orjson.dumps({"key": key, "at": issued}).decode())


def unseal(cipher: TokenCipher, value: str, now: float | None = None) -> str | None:
    """The API key in a cookie value; None if it is not ours, tampered with or too old."""
    try:
        data = orjson.loads(cipher.decrypt(value))
    except (EncryptionKeyError, orjson.JSONDecodeError):
        return None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("key"), str)
        or not isinstance(data.get("at"), int)
    ):
        return None
    age = (time.time() if now is None else now) - data["at"]
    return data["key"] if 0 <= age <= MAX_AGE else None
