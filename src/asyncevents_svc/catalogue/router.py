"""Catalogue and registry routes: ``GET /v1/event-types`` and ``GET /v1/notifiers``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from asyncevents_svc.api.deps import RuntimeDep, authorize
from asyncevents_svc.api.problems import problem_responses

router = APIRouter(
    prefix="/v1",
    tags=["catalogue"],
    dependencies=[Depends(authorize)],
    responses=problem_responses(401, 403, 503),
)


class EventTypeOut(BaseModel):
    name: str
    service_class: str
    method: str
    resources: list[str]
    description: str = Field(description="What the event means (the catalogue's `<description>`).")
    arguments_schema: dict[str, Any]
    payload_schema: dict[str, Any] = Field(
        description="The payload's JSON schema: the catalogue's `<schema>` (draft 2020-12) when it "
        "declares one, else as far as the service says (`{}`: any JSON)."
    )
    payload_validated: bool = Field(
        False,
        description="Whether every payload is validated against `payload_schema` before fan-out (the "
        "catalogue declares a `<schema>`): a payload that does not match fails its event, no "
        "delivery is made.",
    )
    example_payload: Any = Field(
        description="The catalogue's `<example>`, else the schema's first `examples` entry, else one "
        "made up from `payload_schema`; a test send (`POST /v1/subscriptions/{id}/test`) delivers it."
    )


class EventTypeList(BaseModel):
    items: list[EventTypeOut]


class NotifierList(BaseModel):
    items: list[str]


@router.get("/event-types", operation_id="listEventTypes", response_model=EventTypeList)
async def list_event_types(runtime: RuntimeDep) -> EventTypeList:
    """Every event in the loaded catalogue: the arguments its service accepts, the payload
    subscribers get (its schema and an example)."""
    items = []
    for name in runtime.catalogue.names():
        event = runtime.catalogue.get(name)
        items.append(
            EventTypeOut(
                name=name,
                service_class=event.service_class,
                method=event.method,
                resources=list(event.resources),
                description=event.description,
                arguments_schema=event.binding.arguments_schema(),
                payload_schema=event.payload_schema(),
                payload_validated=event.schema is not None,
                example_payload=event.example_payload(),
            )
        )
    return EventTypeList(items=items)


@router.get("/notifiers", operation_id="listNotifiers", response_model=NotifierList)
async def list_notifiers(runtime: RuntimeDep) -> NotifierList:
    """The installed notifier keys, usable as a subscription's ``metadata``."""
    return NotifierList(items=runtime.notifiers.keys())
