"""The console's Signing keys page: every key of the keyring's listing with its kid, created
time and state through a rotation's overlap; no key material; where the keys come from;
only for an ``admin`` key."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from pydantic import SecretStr

from asyncevents_svc.notifiers.ed25519 import private_key_to_base64
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.signing.keyring import Keyring
from tests.console.conftest import FORM
from tests.support.keys import key_with

PAGE = "/admin/signing-keys"


def states(page: str) -> dict[str, str]:
    """kid -> the state badge of its row."""
    found = {}
    for row in re.findall(r'<tr data-testid="signing-key">.*?</tr>', page, re.S):
        kid, state = re.search(r'<code>([^<]+)</code>.*class="badge (\w+)"', row, re.S).groups()  # type: ignore[union-attr]
        found[kid] = state
    return found


async def test_the_page_follows_a_rotation_and_shows_no_key_material(
    console: httpx.AsyncClient, anonymous: httpx.AsyncClient, runtime: Runtime
) -> None:
    [published] = (await anonymous.get("/v1/signing-keys")).json()["keys"]
    first = await console.get(PAGE)
    assert first.status_code == 200
    assert states(first.text) == {published["kid"]: "signing"}
    assert "asyncevents-svc signing-keys rotate" in first.text
    assert "security.signing_keys" not in first.text

    replaced, _ = await runtime.keyring.rotate(overlap=3600)
    newest, _ = await runtime.keyring.rotate(overlap=0)

    page = (await console.get(PAGE)).text
    assert states(page) == {newest.kid: "signing", replaced.kid: "retired", published["kid"]: "retired"}
    await runtime.keyring.rotate(overlap=3600)
    page = (await console.get(PAGE)).text
    assert states(page)[newest.kid] == "retiring"
    assert "signs and is published until" in page
    listed = await runtime.keyring.listing()
    assert len(listed) == 4
    secrets = [private_key_to_base64(key.private) for key in listed]
    publics = [key.jwk()["x"] for key in listed]
    assert [text for text in secrets + publics if text in page] == []
    assert '"d"' not in page


async def test_keys_given_by_the_setting_are_said_to_come_from_it(
    configured: str, console: httpx.AsyncClient, anonymous: httpx.AsyncClient
) -> None:
    page = await console.get(PAGE)

    [published] = (await anonymous.get("/v1/signing-keys")).json()["keys"]
    assert page.status_code == 200
    assert states(page.text) == {published["kid"]: "signing"}
    assert "security.signing_keys" in page.text
    assert "given by the setting" in page.text
    assert configured not in page.text


async def test_the_page_needs_an_admin_key(browser: httpx.AsyncClient, runtime: Runtime) -> None:
    reader = await key_with(runtime, "subscriptions:read", "deliveries:read", "metrics:read")
    signed_in = await browser.post("/admin/login", data={"key": reader}, headers=FORM)
    assert signed_in.status_code == 303

    refused = await browser.get(PAGE)

    assert refused.status_code == 403
    assert "scope &#39;admin&#39;" in refused.text
    assert 'data-testid="signing-key"' not in refused.text


@pytest.fixture
async def configured(runtime: Runtime) -> str:
    """The keyring given one key by ``security.signing_keys`` (list it before ``console``,
    whose app reads the runtime's keyring); the key's base64."""
    given = private_key_to_base64(Ed25519PrivateKey.generate())
    security = runtime.settings.security.model_copy(update={"signing_keys": SecretStr(given)})
    runtime.keyring = Keyring(runtime.sessions, runtime.cipher, security)
    return given


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client of the console, not signed in."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client
