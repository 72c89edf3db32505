"""``POST /v1/subscriptions/{id}/test`` and ``GET /v1/subscriptions/{id}/health``: an
endpoint's test send and its last day, for the console and the consumer portal alike.

A router of its own beside the subscription routes. A key bound to an application reaches
only its own application's subscriptions here: another's answers 404, as if it did not
exist (the check is :func:`own_subscription`, until every route shares one).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, status
from pydantic import BaseModel, Field

from asyncevents_svc.api.deps import CallerDep, RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.auth.keys import Caller
from asyncevents_svc.auth.resources import ResourceGuard
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.db.types import utcnow
from asyncevents_svc.errors import NotFound
from asyncevents_svc.subscriptions import endpoint_stats
from asyncevents_svc.subscriptions.test_send import send_test

router = APIRouter(
    prefix="/v1/subscriptions",
    tags=["subscriptions"],
    dependencies=[Depends(authorize)],
    responses=PROBLEM_RESPONSES,
)
SubscriptionId = Annotated[int, Path(ge=1, le=2_147_483_647)]


class TestSendOut(BaseModel):
    event_id: uuid.UUID = Field(description="The test event (`source` is `test` in its trace).")
    delivery_id: uuid.UUID = Field(description="Its one delivery: follow it at `/v1/deliveries/{id}`.")
    event_name: str
    payload: Any = Field(description="The catalogue's example payload that is sent.")


class LastErrorOut(BaseModel):
    at: datetime
    status_code: int | None
    response: str | None = Field(description="The response body or the error (at most 500 characters).")


class HealthOut(BaseModel):
    subscription_id: int
    since: datetime
    attempts: int
    succeeded: int
    success_rate: float | None = Field(description="succeeded / attempts; null without attempts.")
    deliveries: int = Field(description="Deliveries created in the window that were counted.")
    limited: bool = Field(description="True: only the newest 10,000 deliveries were counted.")
    last_error: LastErrorOut | None


async def own_subscription(session: SessionDep, caller: Caller, subscription_id: int) -> Subscription:
    """The subscription, or a 404 when it does not exist or belongs to another application
    than the caller's (a bound key never learns that it exists)."""
    sub = await session.get(Subscription, subscription_id)
    if sub is None or (caller.application_id is not None and sub.application_id != caller.application_id):
        raise NotFound(f"subscription {subscription_id} does not exist")
    return sub


@router.post(
    "/{subscription_id}/test",
    operation_id="sendTestEvent",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=TestSendOut,
    responses=problem_responses(404, 409),
)
async def test_subscription(
    subscription_id: SubscriptionId, session: SessionDep, runtime: RuntimeDep, caller: CallerDep
) -> TestSendOut:
    """Send the catalogue's example payload of the subscription's event (a pattern: the first
    event it matches) to this subscription only; the worker delivers it as any other.
    Needs the `<resources>` of the event, like any change of the subscription."""
    sub = await own_subscription(session, caller, subscription_id)
    ResourceGuard(runtime.catalogue, caller.scopes).require(
        [sub.event_name], f"testing subscription {sub.id}"
    )
    sent = await send_test(session, runtime.catalogue, sub)
    await session.commit()
    return TestSendOut(
        event_id=sent.event_id, delivery_id=sent.delivery_id, event_name=sent.event_name, payload=sent.payload
    )


@router.get(
    "/{subscription_id}/health",
    operation_id="getSubscriptionHealth",
    response_model=HealthOut,
    responses=problem_responses(404),
)
async def subscription_health(
    subscription_id: SubscriptionId, session: SessionDep, caller: CallerDep
) -> HealthOut:
    """The endpoint's last 24 hours: attempts, their success rate and the last error. Needs
    `deliveries:read` (the error is the receiver's answer)."""
    sub = await own_subscription(session, caller, subscription_id)
    stats = await endpoint_stats.last_day(session, sub.id, utcnow(), application_id=sub.application_id)
    error = stats.last_error
    return HealthOut(
        subscription_id=sub.id,
        since=stats.since,
        attempts=stats.attempts,
        succeeded=stats.succeeded,
        success_rate=stats.success_rate,
        deliveries=stats.deliveries,
        limited=stats.limited,
        last_error=None
        if error is None
        else LastErrorOut(at=error.at, status_code=error.status_code, response=error.response),
    )
