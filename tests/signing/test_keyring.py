"""The service's Ed25519 keys: made on first use, stored encrypted, rotated with an overlap,
or given by the setting; and the CLI's ``signing-keys`` verbs."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr
from sqlalchemy import select

from asyncevents_svc.cli.verbs.signing import manage_signing_keys
from asyncevents_svc.crypto import TokenCipher
from asyncevents_svc.db.models import SigningKey
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.notifiers.ed25519 import private_key_to_base64, public_jwk
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import SecuritySettings, Settings
from asyncevents_svc.signing.keyring import Keyring, SigningKeyError
from asyncevents_svc.subscriptions.reencryption import reencrypt_tokens


def keyring(runtime: Runtime, **changes: object) -> Keyring:
    return Keyring(runtime.sessions, runtime.cipher, runtime.settings.security.model_copy(update=changes))


async def stored(runtime: Runtime) -> list[SigningKey]:
    async with runtime.sessions() as session:
        return list(await session.scalars(select(SigningKey).order_by(SigningKey.generation)))


async def test_the_first_key_is_made_on_first_use_and_stored_encrypted(runtime: Runtime) -> None:
    assert await stored(runtime) == []

    [key] = await runtime.keyring.active()

    [row] = await stored(runtime)
    seed = private_key_to_base64(key.private)
    assert row.kid == key.kid
    assert row.retires_at is None
    assert seed not in row.private_key_encrypted
    assert runtime.cipher.decrypt(row.private_key_encrypted) == seed


async def test_processes_starting_at_once_make_one_key(runtime: Runtime) -> None:
    rings = [keyring(runtime) for _ in range(4)]

    found = await asyncio.gather(*(ring.active() for ring in rings))

    assert len(await stored(runtime)) == 1
    assert {keys[0].kid for keys in found} == {found[0][0].kid}


async def test_a_rotation_signs_with_both_keys_during_the_overlap_then_with_the_new_one(
    runtime: Runtime,
) -> None:
    ring = keyring(runtime)  # reads the table every 30 s: retirement must not wait for that
    [old] = await ring.active()

    new, retiring = await ring.rotate(overlap=0.5)

    assert [key.kid for key in retiring] == [old.kid]
    assert [key.kid for key in await ring.active()] == [new.kid, old.kid]
    assert len(await ring.signers()) == 2
    await asyncio.sleep(0.6)
    assert [key.kid for key in await ring.active()] == [new.kid]
    assert [jwk["kid"] for jwk in (await ring.jwks())["keys"]] == [new.kid]


async def test_another_process_sees_a_rotation_after_its_refresh_interval(runtime: Runtime) -> None:
    worker = keyring(runtime, signing_key_refresh=0.3)
    [old] = await worker.active()

    new, _ = await keyring(runtime).rotate()

    assert [key.kid for key in await worker.active()] == [old.kid]  # its cache, for now
    await asyncio.sleep(0.35)
    assert [key.kid for key in await worker.active()] == [new.kid, old.kid]


async def test_a_second_rotation_within_the_overlap_keeps_the_earlier_retirement(runtime: Runtime) -> None:
    ring = keyring(runtime)
    await ring.active()
    await ring.rotate(overlap=3600)

    await ring.rotate(overlap=7200)

    first, second, third = await stored(runtime)
    assert first.retires_at is not None
    assert second.retires_at is not None
    assert third.retires_at is None
    assert first.retires_at < utcnow() + timedelta(seconds=3601) < second.retires_at


async def test_keys_given_by_the_setting_all_sign_and_cannot_be_rotated_here(runtime: Runtime) -> None:
    one, two = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    given = ",".join(private_key_to_base64(key) for key in (one, two))
    ring = keyring(runtime, signing_keys=SecretStr(given))

    jwks = await ring.jwks()

    assert jwks == {"keys": [public_jwk(one.public_key()), public_jwk(two.public_key())]}
    assert await stored(runtime) == []  # nothing generated
    with pytest.raises(SigningKeyError, match="rotate them there"):
        await ring.rotate()


def test_a_malformed_key_in_the_setting_names_which_one() -> None:
    good = private_key_to_base64(Ed25519PrivateKey.generate())
    settings = SecuritySettings(signing_keys=SecretStr(f"{good},AAAA"))

    with pytest.raises(SigningKeyError, match="key 2"):
        Keyring(None, None, settings)  # type: ignore[arg-type]  # refused before any use


async def test_the_cli_rotates_and_lists_public_parts_only(runtime: Runtime, settings: Settings) -> None:
    [old] = await runtime.keyring.active()
    out = io.StringIO()

    await manage_signing_keys(settings, "rotate", overlap=60, as_json=True, out=out)

    rotated = json.loads(out.getvalue())
    assert [key["kid"] for key in rotated["retiring"]] == [old.kid]
    out = io.StringIO()
    await manage_signing_keys(settings, "list", as_json=True, out=out)
    listed = json.loads(out.getvalue())
    assert [key["kid"] for key in listed] == [rotated["new"]["kid"], old.kid]
    assert [key["state"] for key in listed] == ["active", "active"]
    printed = out.getvalue()
    for row in await stored(runtime):
        seed = runtime.cipher.decrypt(row.private_key_encrypted)
        assert seed not in printed
        assert row.private_key_encrypted not in printed
    assert all("d" not in key["jwk"] for key in listed)


async def test_reencryption_under_a_new_fernet_key_keeps_the_signing_keys(
    runtime: Runtime, settings: Settings
) -> None:
    [key] = await runtime.keyring.active()
    assert settings.encryption_key is not None
    new_key = Fernet.generate_key().decode()

    await reencrypt_tokens(
        runtime.sessions, TokenCipher([new_key, settings.encryption_key.get_secret_value()])
    )

    [row] = await stored(runtime)
    assert TokenCipher([new_key]).decrypt(row.private_key_encrypted) == private_key_to_base64(key.private)
