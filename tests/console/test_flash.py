"""Console flash messages come from a fixed set: ``?flash=`` names a code, so a link cannot
make a console page (the sign-in page least of all) say what its author wants; every real
message still shows, and an API problem is shown on the page, never carried in the URL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.support.helpers import TOKEN, subscribe
from tests.support.receiver import Receiver

FORM = {"content-type": "application/x-www-form-urlencoded"}
PHISHING = "Call us at +1 555 0100 and read us your API key"


@pytest.fixture
async def browser(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client


async def sign_in(browser: httpx.AsyncClient, admin_headers: dict[str, str]) -> None:
    key = admin_headers["Authorization"].removeprefix("Bearer ")
    assert (await browser.post("/admin/login", data={"key": key}, headers=FORM)).status_code == 303


async def followed(browser: httpx.AsyncClient, response: httpx.Response) -> str:
    """The page a see-other leads to."""
    assert response.status_code == 303, response.text
    return (await browser.get(response.headers["location"])).text


@pytest.mark.parametrize(
    "query",
    [
        {"flash": PHISHING},
        {"flash": "status-changed", "flash_count": PHISHING, "flash_status": "active"},
        {"flash": "status-changed", "flash_count": "2", "flash_status": PHISHING},
    ],
    ids=["free-text", "text-as-count", "text-as-status"],
)
async def test_attacker_chosen_flash_text_shows_nowhere(
    browser: httpx.AsyncClient, admin_headers: dict[str, str], query: dict[str, str]
) -> None:
    sign_in_page = await browser.get("/admin/login", params=query)
    assert sign_in_page.status_code == 200
    assert "Call us" not in sign_in_page.text
    assert 'class="flash"' not in sign_in_page.text

    await sign_in(browser, admin_headers)
    listing = await browser.get("/admin/subscriptions", params=query)
    assert listing.status_code == 200
    assert "Call us" not in listing.text
    assert 'class="flash"' not in listing.text


async def test_every_real_flash_still_shows(
    browser: httpx.AsyncClient, api: httpx.AsyncClient, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    assert "Sign in with an API key." in await followed(browser, await browser.get("/admin/dead"))
    await sign_in(browser, admin_headers)

    form = {"event_name": "example.ping", "recipient_url": f"{receiver.url}/ok", "metadata": "http"}
    created = await browser.post("/admin/subscriptions/new", data=form | {"verification_token": TOKEN})
    assert "Subscription created." in await followed(browser, created)
    saved = await browser.post(created.headers["location"].split("?")[0], data=form | {"description": "x"})
    assert "Subscription saved." in await followed(browser, saved)

    other = await subscribe(api, f"{receiver.url}/ok", "example.ping")
    nothing = await browser.post("/admin/subscriptions/bulk-status", data={"status": "disabled"})
    assert "Select at least one subscription." in await followed(browser, nothing)
    one = await browser.post(
        "/admin/subscriptions/bulk-status", data={"ids": str(other["subscription_id"]), "status": "disabled"}
    )
    assert "1 subscription now disabled." in await followed(browser, one)

    assert "Signed out." in await followed(browser, await browser.post("/admin/logout"))


async def test_an_api_problem_shows_on_the_page_and_stays_out_of_the_url(
    browser: httpx.AsyncClient, api: httpx.AsyncClient, admin_headers: dict[str, str], receiver: Receiver
) -> None:
    await sign_in(browser, admin_headers)
    sub = await subscribe(api, f"{receiver.url}/ok", "example.ping")

    refused = await browser.post(
        "/admin/subscriptions/bulk-status", data={"ids": str(sub["subscription_id"]), "status": "paused"}
    )

    assert refused.status_code == 422  # the API's status, on the page itself: no redirect
    assert "location" not in refused.headers
    assert 'role="alert">Not changed: status:' in refused.text
    assert "<h1>Subscriptions</h1>" in refused.text
