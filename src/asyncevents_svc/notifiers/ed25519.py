"""Standard Webhooks ``v1a``: an Ed25519 signature of ``{id}.{timestamp}.{body}``.

The asymmetric sibling of ``v1`` (:mod:`.signing`): the service signs with its private
key(s) and a receiver verifies with the public key alone, published as a JWKS at
``GET /v1/signing-keys``. Built on the ``cryptography`` package; the JWK members are plain
base64url, so no JOSE library is needed (:func:`public_jwk`).
"""

from __future__ import annotations

import base64
import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

SEED_BYTES = 32


def ed25519_signature(key: Ed25519PrivateKey, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1a,<base64 Ed25519 signature of "{id}.{timestamp}.{body}">``."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    return "v1a," + base64.b64encode(key.sign(signed)).decode()


def private_key_from_base64(text: str) -> Ed25519PrivateKey:
    """A private key from base64 of its 32-byte seed, or of seed + public key (64 bytes, the
    form Svix and libsodium use; the public half must match the seed)."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ValueError("an Ed25519 private key must be base64") from exc
    if len(raw) not in (SEED_BYTES, 2 * SEED_BYTES):
        raise ValueError("an Ed25519 private key is 32 bytes (the seed) or 64 (seed + public key)")
    key = Ed25519PrivateKey.from_private_bytes(raw[:SEED_BYTES])
    if len(raw) == 2 * SEED_BYTES and raw[SEED_BYTES:] != public_bytes(key.public_key()):
        raise ValueError("the public half of the 64-byte Ed25519 key does not match its seed")
    return key


def private_key_to_base64(key: Ed25519PrivateKey) -> str:
    """Base64 of the 32-byte seed (what :func:`private_key_from_base64` reads back)."""
    seed = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return base64.b64encode(seed).decode()


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def b64url(raw: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def thumbprint(key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256, base64url): the key's ``kid``, the same
    wherever the key is configured."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url(public_bytes(key))}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return b64url(hashlib.sha256(canonical).digest())


def public_jwk(key: Ed25519PublicKey) -> dict[str, str]:
    """The public key as an RFC 8037 JWK: only public members, never ``d``."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url(public_bytes(key)),
        "kid": thumbprint(key),
        "use": "sig",
        "alg": "EdDSA",
    }
