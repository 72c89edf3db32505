"""Custom headers are the receiver's own credentials: they do not follow a subscription to a
new recipient or notifier. Such a change drops them unless the same request sets them, and
the answer says which were dropped (``dropped_headers`` on ``/v1``, a response header on
the Magento ``PUT``, whose body keeps the module's shape)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from asyncevents_svc.notifiers.base import NotifierContext
from asyncevents_svc.notifiers.http import HttpNotifierFactory
from asyncevents_svc.notifiers.registry import NotifierRegistry
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import publish, subscribe
from tests.support.receiver import Receiver

SECRET = "Bearer the-old-receivers-s3cret"
HEADERS = {"Authorization": SECRET, "X-Tenant": "acme"}
DROPPED_HEADERS = "X-Asyncevents-Dropped-Headers"  # the /V1 PUT's answer header


@pytest.fixture
async def webhook_notifier(runtime: Runtime) -> AsyncIterator[None]:
    """The real HTTP notifier installed a second time under the key ``webhook``, as a
    deployment does by naming ``HttpNotifierFactory`` in a second entry point: a notifier
    change that keeps the recipient. List it before ``api`` and ``worker``, which read the
    runtime's registry."""
    keys = runtime.notifiers.keys()  # the registry is not a dict: no iteration over it
    installed = {key: notifier for key in keys if (notifier := runtime.notifiers.get(key))}
    webhook = HttpNotifierFactory(NotifierContext(runtime.settings))
    runtime.notifiers = NotifierRegistry({**installed, "webhook": webhook})
    yield
    await webhook.close()


async def delivered_to(api: httpx.AsyncClient, receiver: Receiver, path: str) -> dict[str, str]:
    """Publish one ``example.ping`` and return the headers it arrived with at ``path``."""
    await publish(api, "example.ping", arguments={"n": 1})
    [received] = await receiver.wait_for(1, path=path)
    return received.headers


async def test_a_new_recipient_drops_the_custom_headers_and_says_so(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/old", "example.ping", headers=HEADERS)

    moved = await api.patch(
        f"/v1/subscriptions/{sub['subscription_id']}", json={"recipient_url": f"{receiver.url}/new"}
    )

    assert moved.status_code == 200
    assert moved.json()["dropped_headers"] == ["Authorization", "X-Tenant"]
    assert moved.json()["header_names"] == []
    headers = await delivered_to(api, receiver, "/new")
    assert "authorization" not in headers
    assert "x-tenant" not in headers
    assert receiver.on("/old") == []


async def test_a_new_notifier_drops_the_custom_headers(
    webhook_notifier: None, api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/same", "example.ping", headers=HEADERS)

    changed = await api.patch(f"/v1/subscriptions/{sub['subscription_id']}", json={"metadata": "webhook"})

    assert changed.json()["dropped_headers"] == ["Authorization", "X-Tenant"]
    assert changed.json()["metadata"] == "webhook"
    assert "authorization" not in await delivered_to(api, receiver, "/same")


async def test_a_magento_put_of_a_new_notifier_drops_them_and_names_them_in_a_header(
    webhook_notifier: None, api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/same", "example.ping", headers=HEADERS)
    path = f"/V1/async_event/{sub['subscription_id']}"

    unchanged = await api.put(path, json={"asyncEvent": {"metadata": "http"}})
    changed = await api.put(path, json={"asyncEvent": {"metadata": "webhook"}})

    assert DROPPED_HEADERS not in unchanged.headers
    assert changed.status_code == 200
    assert changed.headers[DROPPED_HEADERS] == "Authorization, X-Tenant"
    assert set(changed.json()) == set(unchanged.json())  # the module's shape, unchanged
    assert "authorization" not in await delivered_to(api, receiver, "/same")


async def test_headers_set_by_the_same_request_go_to_the_new_recipient(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/old", "example.ping", headers=HEADERS)
    fresh = "Bearer the-new-receivers-secret"

    moved = await api.patch(
        f"/v1/subscriptions/{sub['subscription_id']}",
        json={"recipient_url": f"{receiver.url}/new", "headers": {"Authorization": fresh}},
    )

    assert moved.json()["dropped_headers"] == []
    assert moved.json()["header_names"] == ["Authorization"]
    assert (await delivered_to(api, receiver, "/new"))["authorization"] == fresh


async def test_headers_stay_when_neither_recipient_nor_notifier_changes(
    api: httpx.AsyncClient, worker: Worker, receiver: Receiver
) -> None:
    sub = await subscribe(api, f"{receiver.url}/same", "example.ping", headers=HEADERS)

    # What the console's edit form sends: every field, most of them as they were.
    saved = await api.patch(
        f"/v1/subscriptions/{sub['subscription_id']}",
        json={"recipient_url": f"{receiver.url}/same", "metadata": "http", "description": "renamed"},
    )

    assert saved.json()["dropped_headers"] == []
    assert saved.json()["header_names"] == ["Authorization", "X-Tenant"]
    assert (await delivered_to(api, receiver, "/same"))["authorization"] == SECRET
