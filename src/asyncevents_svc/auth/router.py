"""API key management: ``/v1/keys`` (``admin`` scope)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from asyncevents_svc.api.deps import RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.applications import scope
from asyncevents_svc.applications import service as applications
from asyncevents_svc.auth.keys import create_key, revoke_key
from asyncevents_svc.db.models import ApiKey
from asyncevents_svc.errors import NotFound
from asyncevents_svc.textchecks import Line
from asyncevents_svc.types import UtcDatetime

router = APIRouter(
    prefix="/v1/keys", tags=["api keys"], dependencies=[Depends(authorize)], responses=PROBLEM_RESPONSES
)


class KeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "erp-publisher", "scopes": ["events:publish"]}]},
    )

    name: Annotated[Line, Field(min_length=1, max_length=255)]
    scopes: list[Annotated[str, Field(max_length=64)]] = Field(min_length=1, max_length=10)
    expires_at: UtcDatetime | None = None
    application: Annotated[
        str | None,
        Field(
            max_length=64,
            description="Bind the key to this application (its uid): its scopes then reach that "
            "application's subscriptions and deliveries only. Not with `admin` or `metrics:read`.",
        ),
    ] = None


class KeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    application: str | None = Field(
        description="The uid of the application the key is bound to; null: an operator key."
    )


class KeyCreated(KeyOut):
    key: str = Field(description="The key itself: shown this once, store it now.")


class KeyList(BaseModel):
    items: list[KeyOut]


def _out(row: ApiKey, uids: dict[int, str]) -> KeyOut:
    bound = (
        None
        if row.application_id is None
        else uids.get(row.application_id, f"#{row.application_id} (deleted)")
    )
    return KeyOut(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=row.scopes,
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
        application=bound,
    )


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=KeyCreated,
    responses=problem_responses(413),
    operation_id="createKey",
)
async def create(body: KeyCreate, session: SessionDep, runtime: RuntimeDep) -> KeyCreated:
    """Create a key with the given scopes (the service's scopes and the catalogue's
    ``<resource>`` names); the key is in this response only."""
    # An operator names the application by uid (the same 422 as everywhere for an unknown one).
    application_id = await scope.reach(session, None, body.application)
    row, key = await create_key(
        session,
        name=body.name,
        scopes=body.scopes,
        expires_at=body.expires_at,
        resources=runtime.catalogue.resources(),
        application_id=application_id,
    )
    await session.commit()
    uids = {} if application_id is None or body.application is None else {application_id: body.application}
    return KeyCreated(**_out(row, uids).model_dump(), key=key)


@router.get("", operation_id="listKeys", response_model=KeyList)
async def list_keys(session: SessionDep) -> KeyList:
    """Every key, newest first (never the key itself)."""
    rows = list((await session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc()))).all())
    uids = await applications.uids(
        session, {row.application_id for row in rows if row.application_id is not None}
    )
    return KeyList(items=[_out(row, uids) for row in rows])


@router.delete(
    "/{key_id}",
    operation_id="revokeKey",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
)
async def revoke(key_id: Annotated[uuid.UUID, Path()], session: SessionDep, runtime: RuntimeDep) -> Response:
    """Revoke a key: it stops working at once in this process, within seconds in others;
    consoles signed in with it are signed out at once everywhere."""
    if await revoke_key(session, key_id) is None:
        raise NotFound(f"API key {key_id} does not exist")
    await session.commit()
    runtime.keys.forget(key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
