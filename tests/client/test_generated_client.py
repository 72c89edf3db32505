"""The typed client generated from the OpenAPI document (clients/python, docs/client.md)
works against the real API: ``asyncevents-svc api`` on loopback on this run's backend, an
in-loop worker and a loopback receiver. What it parses are its models, never dicts, and an
error answers its ``Problem``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from http import HTTPStatus
from uuid import UUID

import pytest
from asyncevents_client import AuthenticatedClient
from asyncevents_client.api.deliveries import get_delivery
from asyncevents_client.api.events import get_event, publish_event
from asyncevents_client.api.subscriptions import create_subscription, get_subscription
from asyncevents_client.models import (
    DeliveryDetail,
    DeliveryDetailStatus,
    EventAccepted,
    EventIn,
    EventInArguments,
    EventOut,
    Problem,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionOut,
)

from asyncevents_svc.worker.runner import Worker
from tests.support.helpers import TOKEN
from tests.support.receiver import Receiver


@pytest.fixture
async def client(api_process: str, admin_headers: dict[str, str]) -> AsyncIterator[AuthenticatedClient]:
    """The generated client on the API process, with an admin key."""
    token = admin_headers["Authorization"].removeprefix("Bearer ")
    async with AuthenticatedClient(base_url=api_process, token=token) as authenticated:
        yield authenticated


async def delivered(client: AuthenticatedClient, delivery_id: UUID, timeout: float = 15.0) -> DeliveryDetail:
    """``getDelivery`` until the delivery is ``delivered`` (the recorder writes in batches)."""
    async with asyncio.timeout(timeout):
        while True:
            delivery = await get_delivery.asyncio(delivery_id, client=client)
            assert isinstance(delivery, DeliveryDetail), delivery
            if delivery.status is DeliveryDetailStatus.DELIVERED:
                return delivery
            await asyncio.sleep(0.05)


async def fanned_out(client: AuthenticatedClient, event_id: UUID, timeout: float = 15.0) -> EventOut:
    """``getEvent`` until the event has its deliveries."""
    async with asyncio.timeout(timeout):
        while True:
            event = await get_event.asyncio(event_id, client=client)
            assert isinstance(event, EventOut), event
            if event.deliveries:
                return event
            await asyncio.sleep(0.05)


async def test_the_client_subscribes_publishes_and_follows_the_delivery_to_delivered(
    client: AuthenticatedClient, worker: Worker, receiver: Receiver
) -> None:
    created = await create_subscription.asyncio(
        client=client,
        body=SubscriptionCreate(
            event_name="sales.order.created", recipient_url=f"{receiver.url}/ok", verification_token=TOKEN
        ),
    )
    assert isinstance(created, SubscriptionCreated), created
    assert created.recipient_url == f"{receiver.url}/ok"

    accepted = await publish_event.asyncio(
        client=client,
        body=EventIn(event_name="sales.order.created", arguments=EventInArguments.from_dict({"id": 42})),
    )
    assert isinstance(accepted, EventAccepted), accepted
    assert isinstance(accepted.id, UUID)
    assert not accepted.duplicate

    [received] = await receiver.wait_for(1, "/ok")
    event = await fanned_out(client, accepted.id)
    [delivery] = event.deliveries
    assert delivery.subscription_id == created.subscription_id
    assert str(delivery.id) == received.headers["webhook-id"]

    trace = await delivered(client, delivery.id)
    assert trace.event_id == accepted.id
    assert trace.event_name == "sales.order.created"
    assert trace.payload == {"entity_id": 42, "increment_id": "CK00000042"}
    assert [(a.number, a.success, a.status_code) for a in trace.attempts] == [(1, True, 200)]

    shown = await get_subscription.asyncio(created.subscription_id, client=client)
    assert isinstance(shown, SubscriptionOut), shown
    assert shown.subscription_id == created.subscription_id


async def test_a_missing_subscription_is_a_404_parsed_as_a_problem(client: AuthenticatedClient) -> None:
    response = await get_subscription.asyncio_detailed(999_999, client=client)

    assert response.status_code == HTTPStatus.NOT_FOUND
    problem = response.parsed
    assert isinstance(problem, Problem), problem
    assert (problem.status, problem.title) == (404, "Not found")
    assert problem.type_.endswith("/not-found")
    assert "999999" in problem.detail
