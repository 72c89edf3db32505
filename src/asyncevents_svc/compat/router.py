"""Magento-compatible routes (SPEC §3.2): the module's ``/V1`` subscription API.

Served under ``/V1``, ``/rest/V1`` and ``/rest/{store_code}/V1`` (the store code is
accepted and has no effect: subscriptions carry their own ``store_id``), so a client of the
Magento module only changes its base URL. Same paths, bodies and answers as the module:

- ``POST /V1/async_event`` creates and answers **200** with the ``AsyncEventDisplay``. It
  never returns the token: when the body has none, one is generated but not shown (the
  module has no such case). Clients that need a generated token create through
  ``POST /v1/subscriptions``, which returns it once.
- ``GET /V1/async_event/{id}``, ``GET /V1/async_events?searchCriteria...`` (see
  :mod:`.search_criteria` and :mod:`.query`).
- ``PUT /V1/async_event/{id}`` changes ``status`` and ``metadata`` only, as the module does.
  A new ``metadata`` (notifier) drops the subscription's custom headers, as on ``/v1``; the
  answer keeps the module's shape and names them in the response header
  :data:`DROPPED_HEADERS` instead.

Errors are Magento's ``{"message", "parameters"}`` with Magento's codes: 400 for any input
problem, including the catalogue, notifier and recipient checks the service adds (422 on
``/v1``), and 404 for an unknown id. Two module quirks are deliberately not reproduced: a
PUT without ``status`` leaves the status alone (the module disables the subscription), and
``checkResources`` in the body is ignored (the module lets it skip the permission check).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from sqlalchemy import Select

from asyncevents_svc.api.deps import CallerDep, RuntimeDep, SessionDep, authorize
from asyncevents_svc.api.limits import PayloadTooLarge
from asyncevents_svc.compat.body import WRAPPER, read_async_event
from asyncevents_svc.compat.errors import MagentoBadRequest, MagentoNotFound, invalid, required, wrong_type
from asyncevents_svc.compat.problems import render
from asyncevents_svc.compat.query import count_query, page_query
from asyncevents_svc.compat.schemas import (
    AsyncEventCreate,
    AsyncEventDisplay,
    AsyncEventSearchResults,
    AsyncEventUpdate,
    FilterEcho,
    FilterGroupEcho,
    MagentoError,
    SearchCriteriaEcho,
    SortOrderEcho,
    request_schema,
)
from asyncevents_svc.compat.search_criteria import SearchCriteria, parse_search_criteria
from asyncevents_svc.db.models import Subscription
from asyncevents_svc.errors import AppError, Forbidden, TooManyRequests, Unauthorized, ValidationFailed
from asyncevents_svc.subscriptions.service import SubscriptionFields, SubscriptionService
from asyncevents_svc.subscriptions.status import SubscriptionStatus

_ID = re.compile(r"^[+-]?\d{1,18}$")
#: Response header of a PUT that dropped custom headers (the body keeps the module's shape).
DROPPED_HEADERS = "X-Asyncevents-Dropped-Headers"
SEARCH_PARAMETERS: dict[str, Any] = {
    "parameters": [
        {
            "name": "searchCriteria",
            "in": "query",
            "required": True,
            "description": "Magento search criteria in bracket notation, e.g. "
            "`searchCriteria[filter_groups][0][filters][0][field]=event_name`, "
            "`...[value]=sales.%`, `...[condition_type]=like`, "
            "`searchCriteria[sortOrders][0][field]=subscribed_at`, "
            "`searchCriteria[sortOrders][0][direction]=DESC`, `searchCriteria[pageSize]=20`, "
            "`searchCriteria[currentPage]=1`. Send `searchCriteria=` to list everything.",
            "style": "deepObject",
            "explode": True,
            "schema": {"type": "object", "additionalProperties": True},
        }
    ]
}


def _answer(description: str, error: AppError) -> dict[str, Any]:
    """A documented error answer, its example the body this error is rendered as."""
    example = json.loads(bytes(render(error, {}).body))
    return {
        "model": MagentoError,
        "description": description,
        "content": {"application/json": {"example": example}},
    }


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _answer("Invalid input; `parameters` name it.", required("recipient_url")),
    401: _answer(
        "No API key, or an unknown, revoked or expired one.",
        Unauthorized("the API key is unknown, revoked or expired"),
    ),
    403: _answer(
        "The API key lacks the scope this needs.",
        Forbidden("this API key lacks the scope 'subscriptions:write'"),
    ),
    404: _answer("No subscription with this id.", MagentoNotFound(42)),
    413: _answer("The request body is too large.", PayloadTooLarge(1048576)),
    422: _answer(
        "A path parameter is not valid; `parameters` name it.",
        ValidationFailed(
            "subscriptionId", "Input should be a valid integer, unable to parse string as an integer"
        ),
    ),
    429: _answer(
        "Too many failed authentication attempts from this address; see `Retry-After`.", TooManyRequests(30)
    ),
}

_PUT_ANSWER: dict[str, Any] = {
    "description": "The changed subscription, in the module's shape.",
    "headers": {
        DROPPED_HEADERS: {
            "description": "Present when the change dropped custom headers: their names, comma "
            "separated. Custom headers (the receiver's credentials) do not follow a subscription "
            "to another notifier; set them again through `PATCH /v1/subscriptions/{id}`.",
            "schema": {"type": "string", "examples": ["Authorization, X-Tenant"]},
        }
    },
}


async def service(session: SessionDep, runtime: RuntimeDep, caller: CallerDep) -> SubscriptionService:
    return runtime.subscription_service(
        session, caller.scopes, prefix=f"{WRAPPER}.", application_id=caller.application_id
    )


ServiceDep = Annotated[SubscriptionService, Depends(service)]
#: The module's path parameter name; a string so that "abc" gets Magento's 400, not a 422.
SubscriptionIdParam = Annotated[
    str,
    Path(alias="subscriptionId", description="The subscription id (an integer).", examples=["42"]),
]


def declare_store_code(
    store_code: Annotated[str, Path(description="A Magento store code; accepted, no effect.")],
) -> None:
    """Declares ``{store_code}`` (for the OpenAPI document); subscriptions carry store_id."""


def parse_id(raw: str) -> int:
    """The path id as Magento's ``int`` parameter: not a number is 400, no such row 404."""
    if not _ID.match(raw):
        raise wrong_type(raw, "int")
    return int(raw)


async def load(svc: SubscriptionService, raw_id: str) -> Subscription:
    number = parse_id(raw_id)
    sub = None
    if 1 <= number <= 2_147_483_647:
        sub = await svc.find_one(number)  # another application's is not found either
    if sub is None:
        raise MagentoNotFound(number)
    return sub


def as_bad_request(exc: ValidationFailed) -> MagentoBadRequest:
    """The service's 422 as the 400 Magento gives every input error, field still named."""
    error = exc.errors[0]
    return invalid(error.loc, error.msg)


async def create_async_event(request: Request, svc: ServiceDep) -> AsyncEventDisplay:
    """Subscribe a recipient to an event. Answers 200, without the token, as the module."""
    body = await read_async_event(request, AsyncEventCreate)
    token = body.verification_token.get_secret_value() if body.verification_token else None
    fields = SubscriptionFields(
        event_name=body.event_name,
        recipient_url=body.recipient_url,
        verification_token=token,
        notifier=body.metadata or None,
        status=SubscriptionStatus.ACTIVE,
        store_id=body.store_id,
    )
    try:
        sub, _generated = await svc.create(fields)
    except ValidationFailed as exc:
        raise as_bad_request(exc) from None
    await svc.session.commit()
    return AsyncEventDisplay.of(sub, created=True)


async def get_async_event(subscription_id: SubscriptionIdParam, svc: ServiceDep) -> AsyncEventDisplay:
    """One subscription, by id."""
    return AsyncEventDisplay.of(await load(svc, subscription_id))


async def update_async_event(
    subscription_id: SubscriptionIdParam,
    request: Request,
    response: Response,
    svc: ServiceDep,
) -> AsyncEventDisplay:
    """Enable or disable a subscription (``status``) or change its notifier (``metadata``).

    Needs the ``<resources>`` of the subscription's event. A new notifier drops the custom
    headers; the ``X-Asyncevents-Dropped-Headers`` response header names them."""
    body = await read_async_event(request, AsyncEventUpdate)
    sub = await load(svc, subscription_id)
    fields = SubscriptionFields(
        status=None
        if body.status is None
        else (SubscriptionStatus.ACTIVE if body.status else SubscriptionStatus.DISABLED),
        notifier=body.metadata or None,
    )
    try:
        updated = await svc.update(sub, fields)
    except ValidationFailed as exc:
        raise as_bad_request(exc) from None
    await svc.session.commit()
    if updated.dropped_headers:
        response.headers[DROPPED_HEADERS] = ", ".join(updated.dropped_headers)
    return AsyncEventDisplay.of(updated.subscription)


async def search_async_events(request: Request, svc: ServiceDep) -> AsyncEventSearchResults:
    """Subscriptions matching Magento ``searchCriteria`` (filter groups, sort, paging).

    ``searchCriteria`` is required; ``?searchCriteria=`` lists everything. Fields:
    subscription_id, event_name, recipient_url, status, metadata, store_id, subscribed_at.
    Conditions: eq (default), neq, like, nlike, in, nin, gt, gteq, lt, lteq, null, notnull,
    from, to. Filters in a group are OR-ed, groups AND-ed. A page past the last is empty.
    """
    criteria = parse_search_criteria(request.query_params.multi_items())
    page: Select[Subscription] = page_query(criteria, application_id=svc.application_id)
    items = (await svc.session.scalars(page)).all()
    total = await svc.session.scalar(count_query(criteria, application_id=svc.application_id))
    return AsyncEventSearchResults(
        items=[AsyncEventDisplay.of(sub) for sub in items],
        search_criteria=echo(criteria),
        total_count=total or 0,
    )


def echo(criteria: SearchCriteria) -> SearchCriteriaEcho:
    """The search as Magento echoes it back (``search_criteria``)."""
    return SearchCriteriaEcho(
        filter_groups=[
            FilterGroupEcho(
                filters=[FilterEcho(**asdict(f)) for f in group.filters],
            )
            for group in criteria.filter_groups
        ],
        sort_orders=None
        if criteria.sort_orders is None
        else [SortOrderEcho(**asdict(s)) for s in criteria.sort_orders],
        page_size=criteria.page_size,
        current_page=criteria.current_page,
    )


def build_router(prefix: str, *, documented: bool) -> APIRouter:
    """The four module routes under one prefix; only the ``documented`` prefix is in the
    OpenAPI document, so a generated client gets each operation once."""
    dependencies = [Depends(authorize)]
    if "{store_code}" in prefix:
        dependencies.append(Depends(declare_store_code))
    router = APIRouter(
        prefix=prefix, tags=["magento-compatible"], dependencies=dependencies, include_in_schema=documented
    )
    common: dict[str, Any] = {"responses": _ERRORS, "response_model_exclude_none": True}
    router.add_api_route(
        "/async_event",
        create_async_event,
        operation_id="createAsyncEvent",
        methods=["POST"],
        response_model=AsyncEventDisplay,
        openapi_extra=request_schema(AsyncEventCreate),
        **common,
    )
    router.add_api_route(
        "/async_event/{subscriptionId}",
        get_async_event,
        operation_id="getAsyncEvent",
        methods=["GET"],
        response_model=AsyncEventDisplay,
        **common,
    )
    router.add_api_route(
        "/async_event/{subscriptionId}",
        update_async_event,
        operation_id="updateAsyncEvent",
        methods=["PUT"],
        response_model=AsyncEventDisplay,
        openapi_extra=request_schema(AsyncEventUpdate),
        **{**common, "responses": {**_ERRORS, 200: _PUT_ANSWER}},
    )
    router.add_api_route(
        "/async_events",
        search_async_events,
        operation_id="searchAsyncEvents",
        methods=["GET"],
        response_model=AsyncEventSearchResults,
        openapi_extra=SEARCH_PARAMETERS,
        **common,
    )
    return router


# ``/rest/V1`` comes before ``/rest/{store_code}/V1`` so that it is never read as a store.
#: ``/V1`` is the documented one; the ``/rest`` aliases answer the same and stay out of the document.
routers: list[APIRouter] = [
    build_router(p, documented=p == "/V1") for p in ("/V1", "/rest/V1", "/rest/{store_code}/V1")
]
