"""Delivery trace and replay routes: ``/v1/deliveries`` and ``/v1/replays``."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse
from sqlalchemy import select

from asyncevents_svc.api.deps import CallerDep, RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.applications import scope
from asyncevents_svc.auth.resources import ResourceGuard
from asyncevents_svc.auth.scopes import require_search
from asyncevents_svc.db.models import Event, ReplayJob
from asyncevents_svc.deliveries import queries, replays
from asyncevents_svc.deliveries.schemas import (
    DeliveryDetail,
    DeliveryPage,
    DeliveryStatusName,
    ReplayAccepted,
    ReplayCount,
    ReplayJobOut,
    ReplayRequest,
)
from asyncevents_svc.deliveries.service import DeliveryFilter, count_replayable, replay_one
from asyncevents_svc.deliveries.status import DeliveryStatus
from asyncevents_svc.errors import NotFound
from asyncevents_svc.textchecks import Line, Text
from asyncevents_svc.types import COUNT_DESCRIPTION, UtcDatetime

router = APIRouter(tags=["deliveries"], dependencies=[Depends(authorize)], responses=PROBLEM_RESPONSES)


async def search_budget(runtime: RuntimeDep) -> float:
    """Seconds a search (``q``) may run: ``security.search_timeout``."""
    return runtime.settings.security.search_timeout


SearchBudgetDep = Annotated[float, Depends(search_budget)]


@router.get(
    "/v1/deliveries",
    operation_id="listDeliveries",
    response_model=DeliveryPage,
    responses=problem_responses(400),
)
async def list_deliveries(
    session: SessionDep,
    caller: CallerDep,
    budget: SearchBudgetDep,
    event_name: Annotated[Line | None, Query(max_length=255)] = None,
    subscription_id: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
    status_: Annotated[list[DeliveryStatusName] | None, Query(alias="status", max_length=5)] = None,
    since: Annotated[UtcDatetime | None, Query(description="created at or after (no offset: UTC)")] = None,
    until: Annotated[UtcDatetime | None, Query(description="created before (no offset: UTC)")] = None,
    q: Annotated[
        Text | None,
        Query(
            max_length=1000,
            description="Search: `data.customer_email:roni*`, `event_name:customer.*`, `success:false`, "
            "AND/OR/NOT, parentheses, ranges. A bad query is a 400 naming the position; so is one "
            "that runs past the time budget (`search-too-expensive`).",
        ),
    ] = None,
    application: Annotated[
        Line | None,
        Query(max_length=64, description="Only this application's (its uid); an operator key's filter."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    count: Annotated[bool, Query(description=COUNT_DESCRIPTION)] = False,
) -> DeliveryPage:
    """Deliveries, newest first, filtered; follow ``next_cursor`` for more. A key bound to
    an application sees that application's only."""
    require_search(caller.scopes, q)
    reached = await scope.reach(session, caller.application_id, application)
    criteria = DeliveryFilter(
        event_name, subscription_id, tuple(status_ or ()), since, until, q, application_id=reached
    )
    items, next_cursor = await queries.page(session, criteria, cursor, limit, budget=budget)
    tally = await queries.count(session, criteria, budget=budget) if count else None
    return DeliveryPage(items=items, next_cursor=next_cursor, count=tally)


@router.get(
    "/v1/deliveries/{delivery_id}",
    operation_id="getDelivery",
    response_model=DeliveryDetail,
    responses=problem_responses(404),
)
async def get_delivery(delivery_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> DeliveryDetail:
    """One delivery: status, summary, every attempt in order, and the payload it sends."""
    found = await queries.delivery(session, delivery_id, caller.application_id)
    if found is None:
        raise NotFound(f"delivery {delivery_id} does not exist")
    event = await session.get(Event, found.event_id)
    assert event is not None
    return DeliveryDetail(**found.model_dump(), event_name=event.name, payload=event.payload)


@router.post(
    "/v1/deliveries/{delivery_id}/replay",
    operation_id="replayDelivery",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReplayAccepted,
    responses=problem_responses(404, 409),
)
async def replay_delivery(
    delivery_id: uuid.UUID, session: SessionDep, runtime: RuntimeDep, caller: CallerDep
) -> ReplayAccepted:
    """Send a finished delivery again: same UUID, stored payload, a full new retry budget.

    Needs the `<resources>` of the delivery's event (403 naming them)."""
    guard = ResourceGuard(runtime.catalogue, caller.scopes)
    await replay_one(session, delivery_id, guard, application_id=caller.application_id)
    await session.commit()
    return ReplayAccepted(id=delivery_id, status=DeliveryStatus.PENDING)


def _job_out(job: ReplayJob) -> ReplayJobOut:
    return ReplayJobOut.model_validate(job, from_attributes=True)


@router.post(
    "/v1/replays",
    operation_id="startBulkReplay",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ReplayJobOut | ReplayCount,
    responses={
        200: {"model": ReplayCount, "description": "dry run: how many would be replayed"},
        **problem_responses(400, 413),
    },
)
async def bulk_replay(
    body: ReplayRequest,
    session: SessionDep,
    runtime: RuntimeDep,
    caller: CallerDep,
    budget: SearchBudgetDep,
) -> ReplayJobOut | JSONResponse:
    """Replay every finished delivery that matches (dead letters by default).

    With ``dry_run`` only the count comes back (200). Otherwise a job is queued (202) that a
    worker runs in batches; follow its progress at ``GET /v1/replays/{id}``.

    A `q` needs `deliveries:read` as well: a search reads payloads, and the count or the
    job's progress would tell what it matched. Deliveries of events whose `<resources>` the
    key lacks are left out (`excluded_events`); naming such an event is a 403.
    """
    require_search(caller.scopes, body.q)
    guard = ResourceGuard(runtime.catalogue, caller.scopes)
    if body.event_name is not None:
        guard.require([body.event_name], f"replaying deliveries of {body.event_name!r}")
    excluded = guard.forbidden_events()
    reached = await scope.reach(session, caller.application_id, body.application)
    criteria = DeliveryFilter(
        body.event_name,
        body.subscription_id,
        tuple(body.status),
        body.since,
        body.until,
        body.q,
        excluded,
        application_id=reached,
    )
    if body.dry_run:
        count = await count_replayable(session, criteria, budget=budget)
        answer = ReplayCount(count=count.value, more=count.more, excluded_events=list(excluded) or None)
        return JSONResponse(answer.model_dump(exclude_none=True), status_code=200)
    job = await replays.create_job(session, criteria, budget=budget, owner=caller.application_id)
    await session.commit()
    return _job_out(job)


@router.get(
    "/v1/replays/{job_id}",
    operation_id="getBulkReplay",
    response_model=ReplayJobOut,
    responses=problem_responses(404),
)
async def get_replay(job_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> ReplayJobOut:
    """Progress of a bulk replay; a key bound to an application sees its application's jobs."""
    job = await session.scalar(
        select(ReplayJob).where(
            ReplayJob.id == job_id, *scope.within(ReplayJob.application_id, caller.application_id)
        )
    )
    if job is None:
        raise NotFound(f"replay {job_id} does not exist")
    return _job_out(job)
