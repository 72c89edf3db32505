from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.async_event_display import AsyncEventDisplay
from ...models.magento_error import MagentoError
from ...types import Response


def _get_kwargs(
    subscription_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/V1/async_event/{subscription_id}".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AsyncEventDisplay | MagentoError | None:
    if response.status_code == 200:
        response_200 = AsyncEventDisplay.from_dict(response.json())

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
) -> Response[AsyncEventDisplay | MagentoError]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[AsyncEventDisplay | MagentoError]:
    """Get Async Event

     One subscription, by id.

    Args:
        subscription_id (str): The subscription id (an integer).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AsyncEventDisplay | MagentoError]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
) -> AsyncEventDisplay | MagentoError | None:
    """Get Async Event

     One subscription, by id.

    Args:
        subscription_id (str): The subscription id (an integer).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AsyncEventDisplay | MagentoError
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[AsyncEventDisplay | MagentoError]:
    """Get Async Event

     One subscription, by id.

    Args:
        subscription_id (str): The subscription id (an integer).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AsyncEventDisplay | MagentoError]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: str,
    *,
    client: AuthenticatedClient,
) -> AsyncEventDisplay | MagentoError | None:
    """Get Async Event

     One subscription, by id.

    Args:
        subscription_id (str): The subscription id (an integer).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AsyncEventDisplay | MagentoError
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
        )
    ).parsed
