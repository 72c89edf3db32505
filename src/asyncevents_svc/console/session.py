"""The console's sign-in cookie (sealed as :mod:`asyncevents_svc.web.cookies` describes).

The cookie and the session last :data:`MAX_AGE`; it is ``SameSite=Strict``, and every form
POST must also come from the console's own origin.
"""

from __future__ import annotations

import uuid

from asyncevents_svc.crypto import TokenCipher
from asyncevents_svc.web import cookies
from asyncevents_svc.web.cookies import Sealed

COOKIE = "asyncevents_console"
MAX_AGE = 12 * 3600  # seconds a sign-in lasts


def seal(cipher: TokenCipher, session_id: uuid.UUID, key: str, now: float | None = None) -> str:
    """The cookie value for session ``session_id`` signed in with ``key``."""
    return cookies.seal(cipher, session_id, key, now)


def unseal(cipher: TokenCipher, value: str, now: float | None = None) -> Sealed | None:
    """The session id and key in a console cookie, if it is ours and at most :data:`MAX_AGE` old."""
    return cookies.unseal(cipher, value, MAX_AGE, now)
