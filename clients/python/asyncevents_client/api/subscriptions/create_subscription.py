from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.subscription_create import SubscriptionCreate
from ...models.subscription_created import SubscriptionCreated
from ...types import Response


def _get_kwargs(
    *,
    body: SubscriptionCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/subscriptions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SubscriptionCreated | None:
    if response.status_code == 201:
        response_201 = SubscriptionCreated.from_dict(response.json())

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[Problem | SubscriptionCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreate,
) -> Response[Problem | SubscriptionCreated]:
    """Create Subscription

     Subscribe a recipient to an event (or pattern). A generated token is returned once.

    It belongs to the key's application (a bound key), or to `application` (an operator key;
    `default` without it).

    Args:
        body (SubscriptionCreate): A new subscription. Omit ``verification_token`` to have one
            generated (returned once).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubscriptionCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreate,
) -> Problem | SubscriptionCreated | None:
    """Create Subscription

     Subscribe a recipient to an event (or pattern). A generated token is returned once.

    It belongs to the key's application (a bound key), or to `application` (an operator key;
    `default` without it).

    Args:
        body (SubscriptionCreate): A new subscription. Omit ``verification_token`` to have one
            generated (returned once).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubscriptionCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreate,
) -> Response[Problem | SubscriptionCreated]:
    """Create Subscription

     Subscribe a recipient to an event (or pattern). A generated token is returned once.

    It belongs to the key's application (a bound key), or to `application` (an operator key;
    `default` without it).

    Args:
        body (SubscriptionCreate): A new subscription. Omit ``verification_token`` to have one
            generated (returned once).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubscriptionCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SubscriptionCreate,
) -> Problem | SubscriptionCreated | None:
    """Create Subscription

     Subscribe a recipient to an event (or pattern). A generated token is returned once.

    It belongs to the key's application (a bound key), or to `application` (an operator key;
    `default` without it).

    Args:
        body (SubscriptionCreate): A new subscription. Omit ``verification_token`` to have one
            generated (returned once).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubscriptionCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
