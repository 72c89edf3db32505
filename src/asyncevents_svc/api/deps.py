"""FastAPI dependencies: the runtime, a database session, and the authorization gate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One session per request; routes commit explicitly at their boundary."""
    async with runtime.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def authorize(request: Request) -> None:
    """The single gate every non-public route passes through.

    API keys and scopes arrive with the security issue (#5); until then every caller is
    allowed. Keeping one dependency means they land in exactly one place.
    """
    return None
