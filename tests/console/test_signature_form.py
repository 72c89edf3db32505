"""The console's Signature select: the scheme chosen on the form is the subscription's in
the API and is selected again on its page; an edit changes it through the API's PATCH
(so a changed recipient still drops the custom headers); a scheme the API does not know is
shown beside the field."""

from __future__ import annotations

import httpx

from tests.console.conftest import FORM
from tests.console.test_subscription_policy_form import form
from tests.support.receiver import Receiver


def selected(page: str) -> str:
    """The selected option of the page's signature select."""
    select = page.split('name="signature"')[1].split("</select>")[0]
    return select.split(" selected>")[0].rsplit('value="', 1)[1].split('"')[0]


async def test_the_scheme_chosen_on_the_form_is_the_subscriptions(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    blank = await console.get("/admin/subscriptions/new")
    assert selected(blank.text) == "v1"

    created = await console.post(
        "/admin/subscriptions/new",
        data=form(receiver, signature="v1a", header_name="X-Receiver-Auth", header_value="s3cret"),
        headers=FORM,
    )
    assert created.status_code == 303, created.text
    path = created.headers["location"].split("?")[0].removeprefix("/admin")
    assert (await api.get(f"/v1{path}")).json()["signature"] == "v1a"
    assert selected((await console.get(f"/admin{path}")).text) == "v1a"

    moved = await console.post(
        f"/admin{path}",
        data=form(receiver, signature="both", recipient_url=f"{receiver.url}/new"),
        headers=FORM,
    )

    assert moved.status_code == 303, moved.text
    assert moved.headers["location"].endswith("flash=subscription-saved-headers-dropped")
    sub = (await api.get(f"/v1{path}")).json()
    assert (sub["signature"], sub["recipient_url"], sub["header_names"]) == (
        "both",
        f"{receiver.url}/new",
        [],
    )
    assert selected((await console.get(f"/admin{path}")).text) == "both"


async def test_an_unknown_scheme_is_shown_beside_the_field(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    refused = await console.post(
        "/admin/subscriptions/new", data=form(receiver, signature="v2"), headers=FORM
    )

    assert refused.status_code == 422
    field = refused.text.split('name="signature"')[1].split('<div class="field">')[0]
    assert 'role="alert"' in field
    assert (await api.get("/v1/subscriptions")).json()["items"] == []
