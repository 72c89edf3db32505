"""``/v1/applications``: the tenants, managed by operator keys only (``admin``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response, status

from asyncevents_svc.api.cursors import decode_id, encode_id
from asyncevents_svc.api.deps import RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.problems import PROBLEM_RESPONSES, problem_responses
from asyncevents_svc.applications import service
from asyncevents_svc.applications.schemas import (
    ApplicationCreate,
    ApplicationOut,
    ApplicationPage,
    ApplicationUpdate,
)

router = APIRouter(
    prefix="/v1/applications",
    tags=["applications"],
    dependencies=[Depends(authorize)],
    responses=PROBLEM_RESPONSES,
)

#: ``{application}`` in a path: the numeric id or the uid.
Ref = Annotated[str, Path(min_length=1, max_length=64, description="The application's id or uid.")]


@router.post(
    "",
    operation_id="createApplication",
    status_code=status.HTTP_201_CREATED,
    response_model=ApplicationOut,
    responses=problem_responses(409, 413),
)
async def create_application(body: ApplicationCreate, session: SessionDep) -> ApplicationOut:
    """Create an application; its `uid` is your own alias for it, unique."""
    application = await service.create(session, uid=body.uid, name=body.name)
    await session.commit()
    return ApplicationOut.model_validate(application)


@router.get("", operation_id="listApplications", response_model=ApplicationPage)
async def list_applications(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> ApplicationPage:
    """Applications in creation order; follow `next_cursor` for more."""
    after = decode_id("a", cursor) if cursor else None
    rows = await service.page(session, after_id=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return ApplicationPage(
        items=[ApplicationOut.model_validate(row) for row in rows],
        next_cursor=encode_id("a", rows[-1].id) if more and rows else None,
    )


@router.get(
    "/{application}",
    operation_id="getApplication",
    response_model=ApplicationOut,
    responses=problem_responses(404),
)
async def get_application(application: Ref, session: SessionDep) -> ApplicationOut:
    return ApplicationOut.model_validate(await service.get(session, application))


@router.patch(
    "/{application}",
    operation_id="updateApplication",
    response_model=ApplicationOut,
    responses=problem_responses(404, 409, 413),
)
async def update_application(
    application: Ref, body: ApplicationUpdate, session: SessionDep
) -> ApplicationOut:
    """Rename; the `default` application keeps its uid."""
    row = await service.get(session, application)
    await service.rename(session, row, uid=body.uid, name=body.name)
    await session.commit()
    return ApplicationOut.model_validate(row)


@router.delete(
    "/{application}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(404, 409),
    operation_id="deleteApplication",
)
async def delete_application(application: Ref, session: SessionDep, runtime: RuntimeDep) -> Response:
    """Delete: its subscriptions are deleted, its keys revoked (their consoles and portal
    sessions end) and its pending deliveries cancelled; the history stays until retention.
    The `default` application cannot be deleted (409)."""
    revoked = await service.remove(session, await service.get(session, application))
    await session.commit()
    for key in revoked:
        runtime.keys.forget(key.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
