from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.async_event_search_results import AsyncEventSearchResults
from ...models.magento_error import MagentoError
from ...models.search_async_events_search_criteria import SearchAsyncEventsSearchCriteria
from ...types import UNSET, Response


def _get_kwargs(
    *,
    search_criteria: SearchAsyncEventsSearchCriteria,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_search_criteria = search_criteria.to_dict()
    params.update(json_search_criteria)

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/V1/async_events",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AsyncEventSearchResults | MagentoError | None:
    if response.status_code == 200:
        response_200 = AsyncEventSearchResults.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = MagentoError.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = MagentoError.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = MagentoError.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = MagentoError.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = MagentoError.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = MagentoError.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = MagentoError.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AsyncEventSearchResults | MagentoError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    search_criteria: SearchAsyncEventsSearchCriteria,
) -> Response[AsyncEventSearchResults | MagentoError]:
    """Search Async Events

     Subscriptions matching Magento ``searchCriteria`` (filter groups, sort, paging).

    ``searchCriteria`` is required; ``?searchCriteria=`` lists everything. Fields:
    subscription_id, event_name, recipient_url, status, metadata, store_id, subscribed_at.
    Conditions: eq (default), neq, like, nlike, in, nin, gt, gteq, lt, lteq, null, notnull,
    from, to. Filters in a group are OR-ed, groups AND-ed. A page past the last is empty.

    Args:
        search_criteria (SearchAsyncEventsSearchCriteria):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AsyncEventSearchResults | MagentoError]
    """

    kwargs = _get_kwargs(
        search_criteria=search_criteria,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    search_criteria: SearchAsyncEventsSearchCriteria,
) -> AsyncEventSearchResults | MagentoError | None:
    """Search Async Events

     Subscriptions matching Magento ``searchCriteria`` (filter groups, sort, paging).

    ``searchCriteria`` is required; ``?searchCriteria=`` lists everything. Fields:
    subscription_id, event_name, recipient_url, status, metadata, store_id, subscribed_at.
    Conditions: eq (default), neq, like, nlike, in, nin, gt, gteq, lt, lteq, null, notnull,
    from, to. Filters in a group are OR-ed, groups AND-ed. A page past the last is empty.

    Args:
        search_criteria (SearchAsyncEventsSearchCriteria):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AsyncEventSearchResults | MagentoError
    """

    return sync_detailed(
        client=client,
        search_criteria=search_criteria,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    search_criteria: SearchAsyncEventsSearchCriteria,
) -> Response[AsyncEventSearchResults | MagentoError]:
    """Search Async Events

     Subscriptions matching Magento ``searchCriteria`` (filter groups, sort, paging).

    ``searchCriteria`` is required; ``?searchCriteria=`` lists everything. Fields:
    subscription_id, event_name, recipient_url, status, metadata, store_id, subscribed_at.
    Conditions: eq (default), neq, like, nlike, in, nin, gt, gteq, lt, lteq, null, notnull,
    from, to. Filters in a group are OR-ed, groups AND-ed. A page past the last is empty.

    Args:
        search_criteria (SearchAsyncEventsSearchCriteria):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AsyncEventSearchResults | MagentoError]
    """

    kwargs = _get_kwargs(
        search_criteria=search_criteria,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    search_criteria: SearchAsyncEventsSearchCriteria,
) -> AsyncEventSearchResults | MagentoError | None:
    """Search Async Events

     Subscriptions matching Magento ``searchCriteria`` (filter groups, sort, paging).

    ``searchCriteria`` is required; ``?searchCriteria=`` lists everything. Fields:
    subscription_id, event_name, recipient_url, status, metadata, store_id, subscribed_at.
    Conditions: eq (default), neq, like, nlike, in, nin, gt, gteq, lt, lteq, null, notnull,
    from, to. Filters in a group are OR-ed, groups AND-ed. A page past the last is empty.

    Args:
        search_criteria (SearchAsyncEventsSearchCriteria):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AsyncEventSearchResults | MagentoError
    """

    return (
        await asyncio_detailed(
            client=client,
            search_criteria=search_criteria,
        )
    ).parsed
