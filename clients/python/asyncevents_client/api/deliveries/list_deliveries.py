import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_page import DeliveryPage
from ...models.list_deliveries_status_type_0_item import ListDeliveriesStatusType0Item
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    event_name: None | str | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    status: list[ListDeliveriesStatusType0Item] | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_event_name: None | str | Unset
    if isinstance(event_name, Unset):
        json_event_name = UNSET
    else:
        json_event_name = event_name
    params["event_name"] = json_event_name

    json_subscription_id: int | None | Unset
    if isinstance(subscription_id, Unset):
        json_subscription_id = UNSET
    else:
        json_subscription_id = subscription_id
    params["subscription_id"] = json_subscription_id

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

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

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
        "url": "/v1/deliveries",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> DeliveryPage | Problem | None:
    if response.status_code == 200:
        response_200 = DeliveryPage.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DeliveryPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    event_name: None | str | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    status: list[ListDeliveriesStatusType0Item] | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Response[DeliveryPage | Problem]:
    """List Deliveries

     Deliveries, newest first, filtered; follow ``next_cursor`` for more. A key bound to
    an application sees that application's only.

    Args:
        event_name (None | str | Unset):
        subscription_id (int | None | Unset):
        status (list[ListDeliveriesStatusType0Item] | None | Unset):
        since (datetime.datetime | None | Unset): created at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): created before (no offset: UTC)
        q (None | str | Unset): Search: `data.customer_email:roni*`, `event_name:customer.*`,
            `success:false`, AND/OR/NOT, parentheses, ranges. A bad query is a 400 naming the
            position; so is one that runs past the time budget (`search-too-expensive`).
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryPage | Problem]
    """

    kwargs = _get_kwargs(
        event_name=event_name,
        subscription_id=subscription_id,
        status=status,
        since=since,
        until=until,
        q=q,
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
    event_name: None | str | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    status: list[ListDeliveriesStatusType0Item] | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> DeliveryPage | Problem | None:
    """List Deliveries

     Deliveries, newest first, filtered; follow ``next_cursor`` for more. A key bound to
    an application sees that application's only.

    Args:
        event_name (None | str | Unset):
        subscription_id (int | None | Unset):
        status (list[ListDeliveriesStatusType0Item] | None | Unset):
        since (datetime.datetime | None | Unset): created at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): created before (no offset: UTC)
        q (None | str | Unset): Search: `data.customer_email:roni*`, `event_name:customer.*`,
            `success:false`, AND/OR/NOT, parentheses, ranges. A bad query is a 400 naming the
            position; so is one that runs past the time budget (`search-too-expensive`).
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryPage | Problem
    """

    return sync_detailed(
        client=client,
        event_name=event_name,
        subscription_id=subscription_id,
        status=status,
        since=since,
        until=until,
        q=q,
        application=application,
        limit=limit,
        cursor=cursor,
        count=count,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    event_name: None | str | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    status: list[ListDeliveriesStatusType0Item] | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Response[DeliveryPage | Problem]:
    """List Deliveries

     Deliveries, newest first, filtered; follow ``next_cursor`` for more. A key bound to
    an application sees that application's only.

    Args:
        event_name (None | str | Unset):
        subscription_id (int | None | Unset):
        status (list[ListDeliveriesStatusType0Item] | None | Unset):
        since (datetime.datetime | None | Unset): created at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): created before (no offset: UTC)
        q (None | str | Unset): Search: `data.customer_email:roni*`, `event_name:customer.*`,
            `success:false`, AND/OR/NOT, parentheses, ranges. A bad query is a 400 naming the
            position; so is one that runs past the time budget (`search-too-expensive`).
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryPage | Problem]
    """

    kwargs = _get_kwargs(
        event_name=event_name,
        subscription_id=subscription_id,
        status=status,
        since=since,
        until=until,
        q=q,
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
    event_name: None | str | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    status: list[ListDeliveriesStatusType0Item] | None | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    q: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> DeliveryPage | Problem | None:
    """List Deliveries

     Deliveries, newest first, filtered; follow ``next_cursor`` for more. A key bound to
    an application sees that application's only.

    Args:
        event_name (None | str | Unset):
        subscription_id (int | None | Unset):
        status (list[ListDeliveriesStatusType0Item] | None | Unset):
        since (datetime.datetime | None | Unset): created at or after (no offset: UTC)
        until (datetime.datetime | None | Unset): created before (no offset: UTC)
        q (None | str | Unset): Search: `data.customer_email:roni*`, `event_name:customer.*`,
            `success:false`, AND/OR/NOT, parentheses, ranges. A bad query is a 400 naming the
            position; so is one that runs past the time budget (`search-too-expensive`).
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.
        limit (int | Unset):  Default: 50.
        cursor (None | str | Unset):
        count (bool | Unset): Also count the rows the filters match (`count` in the answer), up to
            1,000: a count costs what about ten pages cost, however large the table. Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            event_name=event_name,
            subscription_id=subscription_id,
            status=status,
            since=since,
            until=until,
            q=q,
            application=application,
            limit=limit,
            cursor=cursor,
            count=count,
        )
    ).parsed
