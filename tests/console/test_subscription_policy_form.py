"""Every field of a subscription on the console's form: a payload filter, timeout, retry
schedule, max retries, rate limit, max in flight and custom headers set on the form reach
the API and are shown again — headers by name only, never their values."""

from __future__ import annotations

import html

import httpx

from tests.console.conftest import FORM
from tests.support.receiver import Receiver

SECRET = "Bearer receiver-secret-1234"


def form(receiver: Receiver, **extra: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "event_name": "example.ping",
        "metadata": "http",
        "recipient_url": f"{receiver.url}/ok",
        "store_id": "0",
        "status": "active",
        "payload_format": "data",
        "verification_token": "a-token-of-the-receiver",
        **extra,
    }


async def test_the_delivery_policy_set_on_the_form_reaches_the_api_and_is_shown_again(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    policy: dict[str, str | list[str]] = {
        "filter": '{"path": "order", "gte": 10}',
        "timeout": "7.5",
        "retry_schedule": "5, 60 600",
        "max_retries": "2",
        "rate_limit": "0.5",
        "max_in_flight": "3",
        "header_name": ["X-Receiver-Auth", ""],
        "header_value": [SECRET, ""],
    }
    created = await console.post("/admin/subscriptions/new", data=form(receiver, **policy), headers=FORM)
    assert created.status_code == 303, created.text
    sub_id = int(created.headers["location"].split("/")[3].split("?")[0])
    sub = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
    assert sub["filter"] == {"path": "order", "gte": 10}
    assert (sub["timeout"], sub["retry_schedule"], sub["max_retries"]) == (7.5, [5, 60, 600], 2)
    assert (sub["rate_limit"], sub["max_in_flight"]) == (0.5, 3)
    assert sub["header_names"] == ["X-Receiver-Auth"]

    page = html.unescape((await console.get(f"/admin/subscriptions/{sub_id}")).text)
    assert '"gte": 10' in page
    for name, shown in (("timeout", "7.5"), ("retry_schedule", "5, 60, 600"), ("max_retries", "2")):
        assert f'name="{name}" value="{shown}"' in page
    assert 'name="rate_limit" value="0.5"' in page
    assert 'name="max_in_flight" value="3"' in page
    assert '<code data-testid="header-name">X-Receiver-Auth</code>' in page
    assert SECRET not in page
    assert "receiver-secret" not in page

    # Blank fields go back to the service's default; "remove" clears the headers.
    edited = await console.post(
        f"/admin/subscriptions/{sub_id}",
        data=form(receiver, filter="", timeout="", retry_schedule="10", max_retries="0", headers_remove="1"),
        headers=FORM,
    )
    assert edited.status_code == 303, edited.text
    sub = (await api.get(f"/v1/subscriptions/{sub_id}")).json()
    assert (sub["filter"], sub["timeout"], sub["rate_limit"]) == (None, None, None)
    assert (sub["retry_schedule"], sub["max_retries"], sub["header_names"]) == ([10], 0, [])

    # New names and values replace the headers.
    replaced = await console.post(
        f"/admin/subscriptions/{sub_id}",
        data=form(receiver, header_name=["X-One", "X-Two"], header_value=["1", "2"]),
        headers=FORM,
    )
    assert replaced.status_code == 303
    assert (await api.get(f"/v1/subscriptions/{sub_id}")).json()["header_names"] == ["X-One", "X-Two"]


async def test_a_bad_policy_field_is_named_beside_it_and_no_header_value_comes_back(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    secret = {"header_name": ["X-Auth"], "header_value": [SECRET]}
    not_json = await console.post(
        "/admin/subscriptions/new", data=form(receiver, filter="{nope", **secret), headers=FORM
    )
    assert not_json.status_code == 422
    assert "not JSON" in not_json.text
    assert "receiver-secret" not in not_json.text
    too_slow = await console.post(
        "/admin/subscriptions/new", data=form(receiver, timeout="500", **secret), headers=FORM
    )
    assert too_slow.status_code == 422
    assert 'id="f-timeout" name="timeout" value="500"' in too_slow.text
    assert "120" in too_slow.text.split('name="timeout"')[1].split("</div>")[0]  # its error, beside it
    assert "receiver-secret" not in too_slow.text
    assert (await api.get("/v1/subscriptions")).json()["items"] == []
