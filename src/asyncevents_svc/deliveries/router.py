"""Delivery trace routes: ``GET /v1/deliveries/{uuid}``."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends

from asyncevents_svc.api.deps import SessionDep, authorize
from asyncevents_svc.db.models import Event
from asyncevents_svc.deliveries import queries
from asyncevents_svc.deliveries.schemas import DeliveryOut
from asyncevents_svc.errors import NotFound

router = APIRouter(prefix="/v1/deliveries", tags=["deliveries"], dependencies=[Depends(authorize)])


class DeliveryDetail(DeliveryOut):
    event_name: str
    payload: Any


@router.get("/{delivery_id}", response_model=DeliveryDetail)
async def get_delivery(delivery_id: uuid.UUID, session: SessionDep) -> DeliveryDetail:
    """One delivery: status, every attempt in order, and the payload it sends."""
    found = await queries.delivery(session, delivery_id)
    if found is None:
        raise NotFound(f"delivery {delivery_id} does not exist")
    event = await session.get(Event, found.event_id)
    assert event is not None
    return DeliveryDetail(**found.model_dump(), event_name=event.name, payload=event.payload)
