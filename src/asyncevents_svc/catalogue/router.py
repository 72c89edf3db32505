"""Catalogue and registry routes: ``GET /v1/event-types`` and ``GET /v1/notifiers``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel

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
    arguments_schema: dict[str, Any]


class EventTypeList(BaseModel):
    items: list[EventTypeOut]


class NotifierList(BaseModel):
    items: list[str]


@router.get("/event-types", response_model=EventTypeList)
async def list_event_types(runtime: RuntimeDep) -> EventTypeList:
    """Every event in the loaded catalogue, with the arguments its service accepts."""
    items = []
    for name in runtime.catalogue.names():
        event = runtime.catalogue.get(name)
        items.append(
            EventTypeOut(
                name=name,
                service_class=event.service_class,
                method=event.method,
                resources=list(event.resources),
                arguments_schema=event.binding.arguments_schema(),
            )
        )
    return EventTypeList(items=items)


@router.get("/notifiers", response_model=NotifierList)
async def list_notifiers(runtime: RuntimeDep) -> NotifierList:
    """The installed notifier keys, usable as a subscription's ``metadata``."""
    return NotifierList(items=runtime.notifiers.keys())
