"""The console's Events page (filters, each event linked to its deliveries), an event's
page, the API-keys page (list, create with the key shown once, revoke), deleting a
subscription and an application from their pages, and times written as <time> in UTC."""

from __future__ import annotations

import html
import re

import httpx

from asyncevents_svc.console import times
from asyncevents_svc.worker.runner import Worker
from tests.console.conftest import FORM
from tests.support.helpers import eventually, publish, subscribe
from tests.support.receiver import Receiver


def test_a_time_is_a_utc_time_element_that_says_utc() -> None:
    shown = times.element("2026-12-03T11:45:28.582886Z")
    assert shown == (
        '<time datetime="2026-12-03T11:45:28Z" title="2026-12-03 11:45:28 UTC">2026-12-03 11:45:28 UTC</time>'
    )
    assert times.element("2026-12-03T20:45:28+09:00").startswith('<time datetime="2026-12-03T11:45:28Z"')
    assert times.element(None) == ""
    assert times.element("<b>soon</b>") == "&lt;b&gt;soon&lt;/b&gt;"


async def test_events_are_listed_filtered_and_linked_to_their_deliveries(
    console: httpx.AsyncClient, api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", "example.ping")
    published = await publish(api, "example.ping", arguments={"order": 42})
    await receiver.wait_for(1)

    async def delivered() -> bool:
        found = (await api.get("/v1/deliveries", params={"subscription_id": sub["subscription_id"]})).json()
        return bool(found["items"]) and found["items"][0]["status"] == "delivered"

    await eventually(delivered)
    page = await console.get("/admin/events", params={"name": "example.ping"})
    assert page.status_code == 200
    event_id = published.get("id") or published.get("event_id")
    assert f'href="/admin/events/{event_id}"' in page.text
    assert "1 delivery" in page.text
    assert re.search(r'<time datetime="[0-9T:-]+Z" title="[0-9 :-]+ UTC">', page.text)
    assert "No events match." in (await console.get("/admin/events", params={"name": "other.event"})).text
    assert "No events match." in (await console.get("/admin/events", params={"source": "amqp"})).text
    bad = await console.get("/admin/events", params={"since": "yesterday"})
    assert 'role="alert"' in bad.text

    detail = await console.get(f"/admin/events/{event_id}")
    assert detail.status_code == 200
    [delivery] = (await api.get("/v1/deliveries", params={"subscription_id": sub["subscription_id"]})).json()[
        "items"
    ]
    assert f'href="/admin/deliveries/{delivery["id"]}"' in detail.text
    assert "&#34;order&#34;: 42" in detail.text
    missing = await console.get("/admin/events/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


async def test_a_key_is_created_shown_once_listed_without_it_and_revoked(
    console: httpx.AsyncClient, api: httpx.AsyncClient
) -> None:
    form = "name=publisher&scopes=events:publish&scopes=deliveries:read&expires_at=2030-01-01T00:00:00Z"
    created = await console.post("/admin/keys", content=form, headers=FORM)
    assert created.status_code == 200
    assert "shown <strong>only now</strong>" in created.text
    match = re.search(r'data-testid="new-key">([^<]+)<', created.text)
    assert match is not None
    key = html.unescape(match.group(1))
    assert (await api.get("/v1/events", headers={"Authorization": f"Bearer {key}"})).status_code == 200

    listing = await console.get("/admin/keys")
    assert "publisher" in listing.text
    assert key not in listing.text
    assert key.split("_", 2)[2] not in listing.text  # nor its secret part
    assert "<code>events:publish</code>" in listing.text
    assert '<time datetime="2030-01-01T00:00:00Z"' in listing.text
    [listed] = [k for k in (await api.get("/v1/keys")).json()["items"] if k["name"] == "publisher"]
    assert listed["prefix"] in listing.text

    refused = await console.post("/admin/keys", content="name=nothing", headers=FORM)
    assert refused.status_code == 422
    assert "Not created" in refused.text

    revoked = await console.post(f"/admin/keys/{listed['id']}/revoke", headers=FORM)
    assert revoked.status_code == 303
    after = await console.get(revoked.headers["location"])
    assert "API key revoked." in after.text
    assert (await api.get("/v1/events", headers={"Authorization": f"Bearer {key}"})).status_code == 401
    form_of_revoke = f'action="/admin/keys/{listed["id"]}/revoke"'
    assert form_of_revoke not in after.text


async def test_a_subscription_and_an_application_are_deleted_after_a_confirmation(
    console: httpx.AsyncClient, api: httpx.AsyncClient, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/ok", "example.ping")
    edit = await console.get(f"/admin/subscriptions/{sub['subscription_id']}")
    assert re.search(r'/delete"><button class="danger" data-confirm="Delete subscription', edit.text)
    deleted = await console.post(f"/admin/subscriptions/{sub['subscription_id']}/delete", headers=FORM)
    assert deleted.status_code == 303
    assert "Subscription deleted" in (await console.get(deleted.headers["location"])).text
    assert (await api.get(f"/v1/subscriptions/{sub['subscription_id']}")).status_code == 404
    again = await console.post(f"/admin/subscriptions/{sub['subscription_id']}/delete", headers=FORM)
    assert again.status_code == 404
    assert "Not deleted" in again.text

    assert (await api.post("/v1/applications", json={"uid": "erp", "name": "ERP"})).status_code == 201
    page = await console.get("/admin/applications")
    assert 'action="/admin/applications/erp/delete"' in page.text
    assert 'action="/admin/applications/default/delete"' not in page.text
    gone = await console.post("/admin/applications/erp/delete", headers=FORM)
    assert gone.status_code == 303
    assert "Application deleted" in (await console.get(gone.headers["location"])).text
    assert (await api.get("/v1/applications/erp")).status_code == 404
    refused = await console.post("/admin/applications/default/delete", headers=FORM)
    assert refused.status_code == 409
    assert "Not deleted" in refused.text


async def test_a_cross_site_post_cannot_delete_or_create_keys(console: httpx.AsyncClient) -> None:
    evil = FORM | {"origin": "https://evil.example"}
    for path in ("/admin/keys", "/admin/subscriptions/1/delete", "/admin/applications/erp/delete"):
        assert (await console.post(path, content="name=x&scopes=admin", headers=evil)).status_code == 403
