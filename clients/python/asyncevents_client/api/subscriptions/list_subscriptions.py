from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.list_subscriptions_status_type_0 import ListSubscriptionsStatusType0
from ...models.problem import Problem
from ...models.subscription_page import SubscriptionPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    event_name: None | str | Unset = UNSET,
    status: ListSubscriptionsStatusType0 | None | Unset = UNSET,
    store_id: int | None | Unset = UNSET,
    metadata: None | str | Unset = UNSET,
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

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListSubscriptionsStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_store_id: int | None | Unset
    if isinstance(store_id, Unset):
        json_store_id = UNSET
    else:
        json_store_id = store_id
    params["store_id"] = json_store_id

    json_metadata: None | str | Unset
    if isinstance(metadata, Unset):
        json_metadata = UNSET
    else:
        json_metadata = metadata
    params["metadata"] = json_metadata

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
        "url": "/v1/subscriptions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SubscriptionPage | None:
    if response.status_code == 200:
        response_200 = SubscriptionPage.from_dict(response.json())

        return response_200

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
) -> Response[Problem | SubscriptionPage]:
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
    status: ListSubscriptionsStatusType0 | None | Unset = UNSET,
    store_id: int | None | Unset = UNSET,
    metadata: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Response[Problem | SubscriptionPage]:
    """List Subscriptions

     Subscriptions in creation order, filtered; follow ``next_cursor`` for more. A key
    bound to an application lists that application's only.

    Args:
        event_name (None | str | Unset):
        status (ListSubscriptionsStatusType0 | None | Unset):
        store_id (int | None | Unset):
        metadata (None | str | Unset):
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
        Response[Problem | SubscriptionPage]
    """

    kwargs = _get_kwargs(
        event_name=event_name,
        status=status,
        store_id=store_id,
        metadata=metadata,
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
    status: ListSubscriptionsStatusType0 | None | Unset = UNSET,
    store_id: int | None | Unset = UNSET,
    metadata: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Problem | SubscriptionPage | None:
    """List Subscriptions

     Subscriptions in creation order, filtered; follow ``next_cursor`` for more. A key
    bound to an application lists that application's only.

    Args:
        event_name (None | str | Unset):
        status (ListSubscriptionsStatusType0 | None | Unset):
        store_id (int | None | Unset):
        metadata (None | str | Unset):
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
        Problem | SubscriptionPage
    """

    return sync_detailed(
        client=client,
        event_name=event_name,
        status=status,
        store_id=store_id,
        metadata=metadata,
        application=application,
        limit=limit,
        cursor=cursor,
        count=count,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    event_name: None | str | Unset = UNSET,
    status: ListSubscriptionsStatusType0 | None | Unset = UNSET,
    store_id: int | None | Unset = UNSET,
    metadata: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Response[Problem | SubscriptionPage]:
    """List Subscriptions

     Subscriptions in creation order, filtered; follow ``next_cursor`` for more. A key
    bound to an application lists that application's only.

    Args:
        event_name (None | str | Unset):
        status (ListSubscriptionsStatusType0 | None | Unset):
        store_id (int | None | Unset):
        metadata (None | str | Unset):
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
        Response[Problem | SubscriptionPage]
    """

    kwargs = _get_kwargs(
        event_name=event_name,
        status=status,
        store_id=store_id,
        metadata=metadata,
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
    status: ListSubscriptionsStatusType0 | None | Unset = UNSET,
    store_id: int | None | Unset = UNSET,
    metadata: None | str | Unset = UNSET,
    application: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    count: bool | Unset = False,
) -> Problem | SubscriptionPage | None:
    """List Subscriptions

     Subscriptions in creation order, filtered; follow ``next_cursor`` for more. A key
    bound to an application lists that application's only.

    Args:
        event_name (None | str | Unset):
        status (ListSubscriptionsStatusType0 | None | Unset):
        store_id (int | None | Unset):
        metadata (None | str | Unset):
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
        Problem | SubscriptionPage
    """

    return (
        await asyncio_detailed(
            client=client,
            event_name=event_name,
            status=status,
            store_id=store_id,
            metadata=metadata,
            application=application,
            limit=limit,
            cursor=cursor,
            count=count,
        )
    ).parsed
