"""Standard Webhooks ``v1a`` (Ed25519): the signature, the headers of each scheme, the JWK.

The known answer is Svix's test vector (``tests/data/ed25519_vectors.json``); signatures are
verified with the ``cryptography`` package from the public key alone.
"""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from asyncevents_svc.notifiers.ed25519 import (
    ed25519_signature,
    private_key_from_base64,
    private_key_to_base64,
    public_bytes,
    public_jwk,
    thumbprint,
)
from asyncevents_svc.notifiers.http import render_body, signed_headers
from asyncevents_svc.notifiers.signing import receiver_secret
from tests.support.helpers import TOKEN, notification

VECTORS = Path(__file__).resolve().parents[1] / "data" / "ed25519_vectors.json"
PAYLOAD = {"entity_id": 42}


@pytest.fixture(scope="module")
def vectors() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(VECTORS.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def svix(vectors: dict[str, dict[str, str]]) -> dict[str, str]:
    return vectors["svix_v1a_vector"]


def verifies(public: Ed25519PublicKey, entry: str, msg_id: str, timestamp: str, body: bytes) -> bool:
    """A ``v1a,<base64>`` entry checked with the public key alone (as a receiver does)."""
    version, signature = entry.split(",", 1)
    assert version == "v1a"
    try:
        public.verify(base64.b64decode(signature), f"{msg_id}.{timestamp}.".encode() + body)
    except InvalidSignature:
        return False
    return True


def entries(headers: dict[str, str]) -> list[str]:
    return headers["webhook-signature"].split(" ")


# --- the known vector -----------------------------------------------------------------------


def test_svix_vector_is_reproduced(svix: dict[str, str]) -> None:
    key = private_key_from_base64(svix["private_key"])

    signature = ed25519_signature(
        key, svix["webhook-id"], int(svix["webhook-timestamp"]), svix["body"].encode()
    )

    assert signature == svix["webhook-signature"]


def test_svix_vector_verifies_with_its_public_half_alone(svix: dict[str, str]) -> None:
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(svix["private_key"])[32:])

    assert verifies(
        public,
        svix["webhook-signature"],
        svix["webhook-id"],
        svix["webhook-timestamp"],
        svix["body"].encode(),
    )
    assert not verifies(
        public,
        svix["webhook-signature"],
        svix["webhook-id"],
        svix["webhook-timestamp"],
        b'{"test": 2432232315}',
    )


def test_a_seed_alone_and_seed_plus_public_key_are_the_same_key(svix: dict[str, str]) -> None:
    full = base64.b64decode(svix["private_key"])
    from_seed = private_key_from_base64(base64.b64encode(full[:32]).decode())

    assert public_bytes(from_seed.public_key()) == full[32:]
    assert private_key_to_base64(from_seed) == base64.b64encode(full[:32]).decode()


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not base64!", "base64"),
        (base64.b64encode(b"x" * 31).decode(), "32 bytes"),
        (base64.b64encode(b"x" * 32 + b"y" * 32).decode(), "does not match"),
    ],
)
def test_malformed_private_keys_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        private_key_from_base64(text)


# --- the JWK ----------------------------------------------------------------------------------


def test_the_jwk_has_only_public_members(svix: dict[str, str]) -> None:
    key = private_key_from_base64(svix["private_key"])

    jwk = public_jwk(key.public_key())

    assert set(jwk) == {"kty", "crv", "x", "kid", "use", "alg"}
    assert "d" not in jwk
    assert (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert "=" not in jwk["x"]
    padded = jwk["x"] + "=" * (-len(jwk["x"]) % 4)
    assert base64.urlsafe_b64decode(padded) == base64.b64decode(svix["private_key"])[32:]


def test_the_kid_is_the_rfc_7638_thumbprint(vectors: dict[str, dict[str, str]]) -> None:
    case = vectors["rfc8037_thumbprint"]
    raw = base64.urlsafe_b64decode(case["x"] + "=")

    assert thumbprint(Ed25519PublicKey.from_public_bytes(raw)) == case["kid"]


# --- the headers of each scheme ----------------------------------------------------------------


def test_v1_carries_only_the_hmac_signature() -> None:
    key = Ed25519PrivateKey.generate()
    body = render_body(PAYLOAD)

    headers = signed_headers(notification(signature="v1", signing_keys=(key,)), body, int(time.time()))

    [entry] = entries(headers)
    assert entry.startswith("v1,")
    Webhook(receiver_secret(TOKEN)).verify(body, headers)


def test_v1a_carries_one_ed25519_signature_per_key_and_no_hmac() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    delivery = notification(signature="v1a", signing_keys=(new, old))
    body, now = render_body(PAYLOAD), int(time.time())

    headers = signed_headers(delivery, body, now)

    first, second = entries(headers)
    msg_id = str(delivery.delivery_id)
    assert verifies(new.public_key(), first, msg_id, str(now), body)
    assert verifies(old.public_key(), second, msg_id, str(now), body)
    assert not verifies(old.public_key(), first, msg_id, str(now), body)
    with pytest.raises(WebhookVerificationError):  # no v1 entry: an HMAC receiver finds nothing
        Webhook(receiver_secret(TOKEN)).verify(body, headers)


def test_both_carries_v1_first_then_v1a() -> None:
    key = Ed25519PrivateKey.generate()
    delivery = notification(signature="both", signing_keys=(key,), previous_token="the-old-token")
    body, now = render_body(PAYLOAD), int(time.time())

    headers = signed_headers(delivery, body, now)

    new_hmac, old_hmac, ed = entries(headers)
    assert new_hmac.startswith("v1,")
    assert old_hmac.startswith("v1,")
    assert verifies(key.public_key(), ed, str(delivery.delivery_id), str(now), body)
    Webhook(receiver_secret(TOKEN)).verify(body, headers)
    Webhook(receiver_secret("the-old-token")).verify(body, headers)


def test_the_magento_signature_is_sent_whatever_the_scheme() -> None:
    body = render_body(PAYLOAD)
    delivery: Any = notification(signature="v1a", signing_keys=(Ed25519PrivateKey.generate(),))

    headers = signed_headers(delivery, body, int(time.time()))

    assert len(headers["x-magento-signature"]) == 64
