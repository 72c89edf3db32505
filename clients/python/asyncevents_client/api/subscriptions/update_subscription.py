from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.subscription_update import SubscriptionUpdate
from ...models.subscription_updated import SubscriptionUpdated
from ...types import Response


def _get_kwargs(
    subscription_id: int,
    *,
    body: SubscriptionUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/subscriptions/{subscription_id}".format(
            subscription_id=quote(str(subscription_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SubscriptionUpdated | None:
    if response.status_code == 200:
        response_200 = SubscriptionUpdated.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[Problem | SubscriptionUpdated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    subscription_id: int,
    *,
    client: AuthenticatedClient,
    body: SubscriptionUpdate,
) -> Response[Problem | SubscriptionUpdated]:
    """Update Subscription

     Change any field; a new ``verification_token`` replaces the old one.

    Needs the `<resources>` of the subscription's event (and of a new `event_name`). A new
    `recipient_url` or `metadata` drops the custom headers unless `headers` is set too; the
    answer's `dropped_headers` names them.

    Args:
        subscription_id (int):
        body (SubscriptionUpdate): A partial update; ``verification_token`` rotates the token.
            ``null`` for `filter`,
            `ordering_key` or a
            delivery-policy field (`headers`, `timeout`, `retry_schedule`, `max_retries`,
            `max_in_flight`, `rate_limit`) removes it (back to the service's default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubscriptionUpdated]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    subscription_id: int,
    *,
    client: AuthenticatedClient,
    body: SubscriptionUpdate,
) -> Problem | SubscriptionUpdated | None:
    """Update Subscription

     Change any field; a new ``verification_token`` replaces the old one.

    Needs the `<resources>` of the subscription's event (and of a new `event_name`). A new
    `recipient_url` or `metadata` drops the custom headers unless `headers` is set too; the
    answer's `dropped_headers` names them.

    Args:
        subscription_id (int):
        body (SubscriptionUpdate): A partial update; ``verification_token`` rotates the token.
            ``null`` for `filter`,
            `ordering_key` or a
            delivery-policy field (`headers`, `timeout`, `retry_schedule`, `max_retries`,
            `max_in_flight`, `rate_limit`) removes it (back to the service's default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubscriptionUpdated
    """

    return sync_detailed(
        subscription_id=subscription_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    subscription_id: int,
    *,
    client: AuthenticatedClient,
    body: SubscriptionUpdate,
) -> Response[Problem | SubscriptionUpdated]:
    """Update Subscription

     Change any field; a new ``verification_token`` replaces the old one.

    Needs the `<resources>` of the subscription's event (and of a new `event_name`). A new
    `recipient_url` or `metadata` drops the custom headers unless `headers` is set too; the
    answer's `dropped_headers` names them.

    Args:
        subscription_id (int):
        body (SubscriptionUpdate): A partial update; ``verification_token`` rotates the token.
            ``null`` for `filter`,
            `ordering_key` or a
            delivery-policy field (`headers`, `timeout`, `retry_schedule`, `max_retries`,
            `max_in_flight`, `rate_limit`) removes it (back to the service's default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SubscriptionUpdated]
    """

    kwargs = _get_kwargs(
        subscription_id=subscription_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    subscription_id: int,
    *,
    client: AuthenticatedClient,
    body: SubscriptionUpdate,
) -> Problem | SubscriptionUpdated | None:
    """Update Subscription

     Change any field; a new ``verification_token`` replaces the old one.

    Needs the `<resources>` of the subscription's event (and of a new `event_name`). A new
    `recipient_url` or `metadata` drops the custom headers unless `headers` is set too; the
    answer's `dropped_headers` names them.

    Args:
        subscription_id (int):
        body (SubscriptionUpdate): A partial update; ``verification_token`` rotates the token.
            ``null`` for `filter`,
            `ordering_key` or a
            delivery-policy field (`headers`, `timeout`, `retry_schedule`, `max_retries`,
            `max_in_flight`, `rate_limit`) removes it (back to the service's default).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SubscriptionUpdated
    """

    return (
        await asyncio_detailed(
            subscription_id=subscription_id,
            client=client,
            body=body,
        )
    ).parsed
