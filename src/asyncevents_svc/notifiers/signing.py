"""Webhook signatures: the module's ``x-magento-signature`` and Standard Webhooks ``v1``.

Both are HMAC-SHA256 keyed with the verification token's UTF-8 bytes, so one token serves
both schemes; a Standard Webhooks receiver's secret is ``whsec_`` + base64(token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def magento_signature(key: bytes, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of the exact body bytes (the module's scheme)."""
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def standard_signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` per Standard Webhooks."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def receiver_secret(token: str) -> str:
    """The Standard Webhooks secret a receiver configures for ``token``."""
    return "whsec_" + base64.b64encode(token.encode()).decode()
