"""Ingest and event routes: ``POST /v1/events``, ``POST /v1/events/batch``, ``GET /v1/events``
and ``GET /v1/events/{id}``."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from opentelemetry.trace import SpanKind

from asyncevents_svc.api.deps import CallerDep, RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.applications import scope as applications
from asyncevents_svc.auth.keys import Caller
from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.db.engine import SessionFactory
from asyncevents_svc.db.models import Event
from asyncevents_svc.deliveries.queries import deliveries_of_event, deliveries_of_events
from asyncevents_svc.deliveries.schemas import DeliveryOut
from asyncevents_svc.errors import AppError, Conflict, FieldError, NotFound, ValidationFailed
from asyncevents_svc.events import idempotency, service
from asyncevents_svc.events import queries as events
from asyncevents_svc.events.committer import GroupCommitter
from asyncevents_svc.events.schemas import (
    BatchItemResult,
    EventAccepted,
    EventBatchIn,
    EventBatchResult,
    EventIn,
    EventOut,
    EventPage,
    EventStatusName,
    SkippedSubscription,
)
from asyncevents_svc.messaging.publisher import EventPublisher
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.textchecks import Line
from asyncevents_svc.types import COUNT_DESCRIPTION, UtcDatetime

router = APIRouter(
    prefix="/v1/events", tags=["events"], dependencies=[Depends(authorize)], responses=PROBLEM_RESPONSES
)

IdempotencyKey = Annotated[
    Line | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Same as the body's `id`.",
    ),
]


class Audience:
    """The application each event of one request goes to: a bound key's own, or the one an
    operator names (``None``: every application). A uid is looked up once per request, and
    only when one is named."""

    def __init__(self, sessions: SessionFactory, caller: Caller) -> None:
        self.sessions = sessions
        self.caller = caller
        self._known: dict[str, int | ValidationFailed | None] = {}

    async def of(self, uid: str | None) -> int | None:
        """The application an event naming ``uid`` (or none) goes to; a 422 naming
        ``application`` for an unknown uid, or for a bound key, any uid but its own."""
        if uid is None:
            return self.caller.application_id
        if uid not in self._known:
            try:
                async with self.sessions() as session:
                    found = await applications.target(session, self.caller.application_id, uid, default=None)
                self._known[uid] = found
            except ValidationFailed as exc:
                self._known[uid] = exc
        known = self._known[uid]
        if isinstance(known, ValidationFailed):
            raise known
        return known


def key_conflict(loc: str) -> Conflict:
    """The 409 of a key already used, by this caller, for another event."""
    msg = "this idempotency key was already used for a different event (name, arguments or store id)"
    return Conflict(f"{loc}: {msg}", errors=[FieldError(loc, msg, "conflict")])


@router.post(
    "",
    operation_id="publishEvent",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EventAccepted,
    responses=problem_responses(404, 409, 413),
)
async def publish_event(
    body: EventIn, request: Request, caller: CallerDep, idempotency_key: IdempotencyKey = None
) -> Response:
    """Accept one event. A 202 means it is committed and will be delivered.

    A repeat of the same event with the same key (per API key) answers the original; the
    same key with another event is a 409."""
    if body.id and idempotency_key and body.id != idempotency_key:
        raise ValidationFailed("id", "differs from the Idempotency-Key header; send one or make them equal")
    runtime: Runtime = request.app.state.runtime  # not RuntimeDep: one solver round less a request
    application_id = await Audience(runtime.sessions, caller).of(body.application)
    tracing = runtime.tracing
    with tracing.span("ingest", kind=SpanKind.SERVER, attributes={"event.name": body.event_name}) as span:
        new = service.prepare(
            runtime.catalogue,
            name=body.event_name,
            arguments=body.arguments,
            store_id=body.store_id,
            key=body.id or idempotency_key,
            scope=idempotency.of_caller(caller),
            trace_context=tracing.traceparent(),
            application_id=application_id,
            deliver_at=body.deliver_at,
            expires_at=body.expires_at,
            ttl=body.ttl,
        )
        [stored] = await runtime.ingest.store([new])
        if isinstance(stored, service.KeyConflict):
            raise key_conflict("id" if body.id else "Idempotency-Key")
        span.set_attribute("event.id", str(stored.id))
        if not stored.duplicate:
            await runtime.publisher.publish_ready([stored.id])
    accepted = EventAccepted(
        id=stored.id,
        event_name=stored.name,
        status=stored.status,
        received_at=stored.received_at,
        duplicate=stored.duplicate,
    )
    # Serialised here: a model returned would be validated again against response_model
    # and encoded by FastAPI (0.03 ms a request of the hottest route; docs/performance.md).
    body_json = accepted.model_dump_json().encode()
    return Response(body_json, status.HTTP_202_ACCEPTED, media_type="application/json")


@router.post(
    "/batch",
    operation_id="publishEventBatch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=EventBatchResult,
    responses=problem_responses(413),
)
async def publish_batch(body: EventBatchIn, runtime: RuntimeDep, caller: CallerDep) -> EventBatchResult:
    """Accept up to 1,000 events; each gets its own result (202, 404, 409 or 422) in request order."""
    with runtime.tracing.span("ingest batch", kind=SpanKind.SERVER, attributes={"events": len(body.events)}):
        return await _publish_batch(
            body,
            runtime.catalogue,
            runtime.ingest,
            runtime.publisher,
            Audience(runtime.sessions, caller),
            scope=idempotency.of_caller(caller),
            trace_context=runtime.tracing.traceparent(),
        )


async def _publish_batch(
    body: EventBatchIn,
    catalogue: Catalogue,
    ingest: GroupCommitter,
    publisher: EventPublisher,
    audience: Audience,
    *,
    scope: str,
    trace_context: str | None,
) -> EventBatchResult:
    """Validate each event, store the valid ones in one group commit, publish their hints."""
    results: list[BatchItemResult | None] = []
    ready: list[tuple[int, service.NewEvent]] = []
    for index, item in enumerate(body.events):
        try:
            new = service.prepare(
                catalogue,
                name=item.event_name,
                arguments=item.arguments,
                store_id=item.store_id,
                key=item.id,
                scope=scope,
                trace_context=trace_context,
                application_id=await audience.of(item.application),
                deliver_at=item.deliver_at,
                expires_at=item.expires_at,
                ttl=item.ttl,
            )
        except AppError as exc:
            status_code = 404 if exc.status == 404 else 422
            results.append(BatchItemResult(index=index, status=status_code, error=exc.problem()))
            continue
        results.append(None)
        ready.append((index, new))
    stored = await ingest.store([new for _, new in ready]) if ready else []
    for (index, _), saved in zip(ready, stored, strict=True):
        if isinstance(saved, service.KeyConflict):
            results[index] = BatchItemResult(index=index, status=409, error=key_conflict("id").problem())
        else:
            results[index] = BatchItemResult(index=index, status=202, id=saved.id, duplicate=saved.duplicate)
    await publisher.publish_ready(
        [s.id for s in stored if isinstance(s, service.StoredEvent) and not s.duplicate]
    )
    final = [r for r in results if r is not None]
    accepted = sum(1 for r in final if r.status == 202)
    return EventBatchResult(accepted=accepted, rejected=len(final) - accepted, results=final)


def _event_out(event: Event, deliveries: list[DeliveryOut], skipped: list[dict[str, Any]]) -> EventOut:
    return EventOut(
        id=event.id,
        event_name=event.name,
        arguments=event.arguments,
        store_id=event.store_id,
        status=event.status,
        error=event.error,
        payload=event.payload,
        source=event.source,
        received_at=event.received_at,
        dispatched_at=event.dispatched_at,
        deliver_at=event.deliver_at,
        expires_at=event.expires_at,
        deliveries=deliveries,
        skipped=[SkippedSubscription(**skip) for skip in skipped],
    )


@router.get("", operation_id="listEvents", response_model=EventPage, responses=problem_responses(400))
async def list_events(
    session: SessionDep,
    caller: CallerDep,
    name: Annotated[
        Line | None, Query(max_length=255, description="Only events of this name (exact).")
    ] = None,
    status_: Annotated[list[EventStatusName] | None, Query(alias="status", max_length=3)] = None,
    store: Annotated[
        int | None, Query(ge=0, le=2_147_483_647, description="Only events of this store id (0: all stores).")
    ] = None,
    source: Annotated[
        Line | None,
        Query(
            max_length=16,
            description="Only events from this source: `http` (this API), `amqp` (Magento's queue), "
            "`test` (a test send).",
        ),
    ] = None,
    since: Annotated[UtcDatetime | None, Query(description="received at or after (no offset: UTC)")] = None,
    until: Annotated[UtcDatetime | None, Query(description="received before (no offset: UTC)")] = None,
    application: Annotated[
        Line | None,
        Query(
            max_length=64,
            description="Only events published to this application (its uid); an operator key's filter.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    count: Annotated[bool, Query(description=COUNT_DESCRIPTION)] = False,
) -> EventPage:
    """Events, newest first, filtered; each as ``GET /v1/events/{id}`` shows it. Follow
    ``next_cursor`` for more.

    A key bound to an application lists the events published to its application only (an
    event published to every application is in no one application's list; its deliveries
    are in ``GET /v1/deliveries``)."""
    reached = await applications.reach(session, caller.application_id, application)
    criteria = events.EventFilter(
        name=name,
        status=tuple(status_ or ()),
        store_id=store,
        source=source,
        since=since,
        until=until,
        application_id=reached,
    )
    found, next_cursor = await events.page(session, criteria, cursor, limit)
    own = caller.application_id
    deliveries = await deliveries_of_events(session, [e.id for e in found], own)
    skipped = await events.skips_of_many(session, found, own)
    return EventPage(
        items=[_event_out(e, deliveries.get(e.id, []), skipped[e.id]) for e in found],
        next_cursor=next_cursor,
        count=await events.count(session, criteria) if count else None,
    )


@router.get("/{event_id}", operation_id="getEvent", response_model=EventOut, responses=problem_responses(404))
async def get_event(event_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> EventOut:
    """An event, its payload, its deliveries and every attempt.

    A key bound to an application sees an event published to its application, or one its
    application has a delivery of, and of it only its own deliveries and skips."""
    reached = caller.application_id
    event = await events.visible(session, event_id, reached)
    if event is None:
        raise NotFound(f"event {event_id} does not exist")
    skipped = await events.skips_of(session, event, reached)
    return _event_out(event, await deliveries_of_event(session, event.id, reached), skipped)
