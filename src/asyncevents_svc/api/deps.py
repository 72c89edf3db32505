"""FastAPI dependencies: the runtime, a database session, and the authorization gate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession

from asyncevents_svc.auth.keys import Caller, KeyVerifier
from asyncevents_svc.auth.scopes import OPERATOR_ONLY, allows, required_scope
from asyncevents_svc.errors import Forbidden, Unauthorized
from asyncevents_svc.runtime import Runtime


async def get_runtime(request: Request) -> Runtime:
    # async: FastAPI runs a plain ``def`` dependency in its thread pool, a hop per request
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(runtime: RuntimeDep) -> AsyncIterator[AsyncSession]:
    """One session per request; routes commit explicitly at their boundary."""
    async with runtime.sessions() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


def client_address(request: Request) -> str:
    """The address failed authentications are counted by ("" when the server gives none)."""
    return request.client.host if request.client else ""


async def authenticate(request: Request, keys: KeyVerifier) -> Caller | None:
    """The caller whose ``Authorization: Bearer <key>`` this request carries, or ``None``.

    Verified once per request: :class:`~asyncevents_svc.api.limits.InputLimits` asks before
    it reads a body, :func:`authorize` after routing, and the second gets the first's answer
    from the request's state -- a failure too (a database outage, a spent failure budget):
    it is kept and raised again at the gate, where the exception handlers answer it (503,
    429). Verifying again there could succeed (the database back a moment later) on a
    request whose body the middleware withheld, and answer a 422 for a body never sent.
    """
    # The request state's own dict (what ``request.state`` wraps): Starlette's State answers
    # a missing attribute by raising AttributeError, which getattr/hasattr then catch, twice
    # a request on this path (~2 % of an ingest's CPU in a profile).
    state: dict[str, Any] = request.scope.setdefault("state", {})
    failure: Exception | None = state.get("authentication_failure")
    if failure is not None:
        raise failure
    if "authenticated" in state:
        known: Caller | None = state["authenticated"]
        return known
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    try:
        caller = (
            await keys.verify(key.strip(), client=client_address(request))
            if scheme.lower() == "bearer" and key.strip()
            else None
        )
    except Exception as exc:
        state["authentication_failure"] = exc
        raise
    state["authenticated"] = caller
    return caller


async def authorize(request: Request) -> Caller:
    """The single gate every non-public route passes through.

    ``Authorization: Bearer <key>``: a missing, unknown, revoked or expired key is a 401; a
    key without the scope the route needs (``auth/scopes.py``) is a 403. Wrong keys count
    against the client address (the ASGI scope's client: behind a proxy, what uvicorn's
    ``--proxy-headers``/``--forwarded-allow-ips`` make of ``X-Forwarded-For``); past its
    budget the address gets a 429 with ``Retry-After`` (``auth/throttle.py``).
    """
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("send an API key: Authorization: Bearer <key>")
    # The runtime straight from the app, not through ``RuntimeDep``: a sub-dependency costs
    # FastAPI's solver a round on every request of every route behind this gate.
    runtime: Runtime = request.app.state.runtime
    caller = await authenticate(request, runtime.keys)
    if caller is None:
        raise Unauthorized("the API key is unknown, revoked or expired")
    route = request.scope.get("route")
    path = route.path if isinstance(route, APIRoute) else request.url.path
    needed = required_scope(request.method, path)
    if not allows(caller.scopes, needed) or (not caller.operator and needed in OPERATOR_ONLY):
        raise Forbidden(f"this API key lacks the scope {needed!r}")
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(authorize)]
