"""``/v1/applications/{app}/portal-sessions``: links into an application's consumer portal
(operator keys only, ``admin``), and ending every session of one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from asyncevents_svc.api.deps import RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.applications import portal_sessions
from asyncevents_svc.applications import service as applications

router = APIRouter(
    prefix="/v1/applications",
    tags=["applications"],
    dependencies=[Depends(authorize)],
    responses=PROBLEM_RESPONSES,
)
Ref = Annotated[str, Path(min_length=1, max_length=64, description="The application's id or uid.")]
#: Where the portal is mounted; the link opens ``<base>/portal/open?token=<token>``: in the
#: query, not the path, because error logs and problem responses name a request's path.
PORTAL_PREFIX = "/portal"


class PortalSessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resources: list[Annotated[str, Field(max_length=255)]] | None = Field(
        None,
        max_length=100,
        description="The catalogue `<resources>` the portal's key holds (so the consumer may "
        "subscribe to the events they guard). Omitted: every resource of the catalogue.",
    )


class PortalSessionOut(BaseModel):
    url: str = Field(description="Open it once, before `expires_at`: it signs its holder in.")
    expires_at: datetime = Field(description="Until when the link can be opened.")


@router.post(
    "/{application}/portal-sessions",
    operation_id="createPortalSession",
    status_code=status.HTTP_201_CREATED,
    response_model=PortalSessionOut,
    responses=problem_responses(404, 413),
)
async def create_portal_session(
    application: Ref,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    body: PortalSessionCreate | None = None,
) -> PortalSessionOut:
    """A single-use link into this application's portal, to open within
    `portal.link_lifetime` (10 minutes by default): send the consumer's browser there (a
    redirect, or the `src` of a frame when embedding is configured). Its session lasts
    `portal.session_lifetime` on a key bound to the application."""
    row = await applications.get(session, application)
    scopes = portal_sessions.scopes_for(
        None if body is None else body.resources, runtime.catalogue.resources()
    )
    portal = runtime.settings.portal
    link = await portal_sessions.create_link(session, row, scopes, lifetime=portal.link_lifetime)
    await session.commit()
    base = portal.public_url or str(request.base_url).rstrip("/")
    return PortalSessionOut(url=f"{base}{PORTAL_PREFIX}/open?token={link.token}", expires_at=link.expires_at)


@router.delete(
    "/{application}/portal-sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404),
    operation_id="endPortalSessions",
)
async def end_portal_sessions(application: Ref, session: SessionDep, runtime: RuntimeDep) -> Response:
    """End every portal session of this application and its links not yet opened; their
    keys are revoked at once."""
    row = await applications.get(session, application)
    keys = await portal_sessions.end_all(session, row)
    await session.commit()
    for key_id in keys:
        runtime.keys.forget(key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
