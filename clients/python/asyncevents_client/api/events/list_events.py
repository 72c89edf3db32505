import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_page import EventPage
from ...models.list_events_status_type_0_item import ListEventsStatusType0Item
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    name: None | str | Unset = UNSET,
    status: list[ListEventsStatusType0Item] | None | Unset = UNSET,
    store: int | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_name: None | str | Unset
    if isinstance(name, Unset):
        json_name = UNSET
    else:
        json_name = name
    params["name"] = json_name

    json_status: list[str] | None | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, list):
        json_status = []
        for status_type_0_item_data in status:
            status_type_0_item = status_type_0_item_data.value
            json_status.append(status_type_0_item)

    else:
        json_status = status
    params["status"] = json_status

    json_store: int | None | Unset
    if isinstance(store, Unset):
        json_store = UNSET
    else:
        json_store = store
    params["store"] = json_store

    json_source: None | str | Unset
    if isinstance(source, Unset):
        json_source = UNSET
    else:
        json_source = source
    params["source"] = json_source

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.datetime):
        json_until = until.isoformat()
    else:
        json_until = until
    params["until"] = json_until

    json_application: None | str | Unset
    if isinstance(application, Unset):
        json_application = UNSET
    else:
        json_application = application
    params["application"] = json_application

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["count"] = count

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EventPage | Problem | None:
    if response.status_code == 200:
        response_200 = EventPage.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EventPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    status: list[ListEventsStatusType0Item] | None | Unset = UNSET,
    store: int | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Response[EventPage | Problem]:
    """List Events

     Events, newest first, filtered; each as ``GET /v1/events/{id}`` shows it. Follow
    ``next_cursor`` for more.

    A key bound to an application lists the events published to its application only (an
    event published to every application is in no one application's list; its deliveries
    are in ``GET /v1/deliveries``).

    Args:
        name (None | str | Unset): Only events of this name (exact).
        status (list[ListEventsStatusType0Item] | None | Unset):
        store (int | None | Unset): Only events of this store id (0: all stores).
        source (None | str | Unset): Only events from this source: `http` (this API), `amqp`
            (Magento's queue), `test` (a test send).
        since (datetime.datetime | None | Unset): received at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): received before (no offset: UTC)
        application (None | str | Unset): Only events published to this application (its uid); an
            operator key's filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
    """

    kwargs = _get_kwargs(
        name=name,
        status=status,
        store=store,
        source=source,
        since=since,
        until=until,
        application=application,
        limit=limit,
        cursor=cursor,
        count=count,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    status: list[ListEventsStatusType0Item] | None | Unset = UNSET,
    store: int | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> EventPage | Problem | None:
    """List Events

     Events, newest first, filtered; each as ``GET /v1/events/{id}`` shows it. Follow
    ``next_cursor`` for more.

    A key bound to an application lists the events published to its application only (an
    event published to every application is in no one application's list; its deliveries
    are in ``GET /v1/deliveries``).

    Args:
        name (None | str | Unset): Only events of this name (exact).
        status (list[ListEventsStatusType0Item] | None | Unset):
        store (int | None | Unset): Only events of this store id (0: all stores).
        source (None | str | Unset): Only events from this source: `http` (this API), `amqp`
            (Magento's queue), `test` (a test send).
        since (datetime.datetime | None | Unset): received at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): received before (no offset: UTC)
        application (None | str | Unset): Only events published to this application (its uid); an
            operator key's filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
    """

    return sync_detailed(
        client=client,
        name=name,
        status=status,
        store=store,
        source=source,
        since=since,
        until=until,
        application=application,
        limit=limit,
        cursor=cursor,
        count=count,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    status: list[ListEventsStatusType0Item] | None | Unset = UNSET,
    store: int | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Response[EventPage | Problem]:
    """List Events

     Events, newest first, filtered; each as ``GET /v1/events/{id}`` shows it. Follow
    ``next_cursor`` for more.

    A key bound to an application lists the events published to its application only (an
    event published to every application is in no one application's list; its deliveries
    are in ``GET /v1/deliveries``).

    Args:
        name (None | str | Unset): Only events of this name (exact).
        status (list[ListEventsStatusType0Item] | None | Unset):
        store (int | None | Unset): Only events of this store id (0: all stores).
        source (None | str | Unset): Only events from this source: `http` (this API), `amqp`
            (Magento's queue), `test` (a test send).
        since (datetime.datetime | None | Unset): received at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): received before (no offset: UTC)
        application (None | str | Unset): Only events published to this application (its uid); an
            operator key's filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
    """

    kwargs = _get_kwargs(
        name=name,
        status=status,
        store=store,
        source=source,
        since=since,
        until=until,
        application=application,
        limit=limit,
        cursor=cursor,
        count=count,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    name: None | str | Unset = UNSET,
    status: list[ListEventsStatusType0Item] | None | Unset = UNSET,
    store: int | None | Unset = UNSET,
    source: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> EventPage | Problem | None:
    """List Events

     Events, newest first, filtered; each as ``GET /v1/events/{id}`` shows it. Follow
    ``next_cursor`` for more.

    A key bound to an application lists the events published to its application only (an
    event published to every application is in no one application's list; its deliveries
    are in ``GET /v1/deliveries``).

    Args:
        name (None | str | Unset): Only events of this name (exact).
        status (list[ListEventsStatusType0Item] | None | Unset):
        store (int | None | Unset): Only events of this store id (0: all stores).
        source (None | str | Unset): Only events from this source: `http` (this API), `amqp`
            (Magento's queue), `test` (a test send).
        since (datetime.datetime | None | Unset): received at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): received before (no offset: UTC)
        application (None | str | Unset): Only events published to this application (its uid); an
            operator key's filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            name=name,
            status=status,
            store=store,
            source=source,
            since=since,
            until=until,
            application=application,
            limit=limit,
            cursor=cursor,
            count=count,
        )
    ).parsed
