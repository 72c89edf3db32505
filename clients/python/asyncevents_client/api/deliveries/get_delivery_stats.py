from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_stats_out import DeliveryStatsOut
from ...models.period import Period
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    period: Period | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_period: str | Unset = UNSET
    if not isinstance(period, Unset):
        json_period = period.value

    params["period"] = json_period

    json_subscription_id: int | None | Unset
    if isinstance(subscription_id, Unset):
        json_subscription_id = UNSET
    else:
        json_subscription_id = subscription_id
    params["subscription_id"] = json_subscription_id

    json_application: None | str | Unset
    if isinstance(application, Unset):
        json_application = UNSET
    else:
        json_application = application
    params["application"] = json_application

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/stats/deliveries",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DeliveryStatsOut | Problem | None:
    if response.status_code == 200:
        response_200 = DeliveryStatsOut.from_dict(response.json())

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
) -> Response[DeliveryStatsOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    period: Period | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
) -> Response[DeliveryStatsOut | Problem]:
    """Delivery Stats

     Attempts per minute by outcome, their success rate and mean duration, the worst
    endpoints with their last error, and the backlog: read from per-minute counters, so a
    day costs its minutes, not its attempts.

    Args:
        period (Period | Unset):
        subscription_id (int | None | Unset): Only this subscription's attempts.
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryStatsOut | Problem]
    """

    kwargs = _get_kwargs(
        period=period,
        subscription_id=subscription_id,
        application=application,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    period: Period | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
) -> DeliveryStatsOut | Problem | None:
    """Delivery Stats

     Attempts per minute by outcome, their success rate and mean duration, the worst
    endpoints with their last error, and the backlog: read from per-minute counters, so a
    day costs its minutes, not its attempts.

    Args:
        period (Period | Unset):
        subscription_id (int | None | Unset): Only this subscription's attempts.
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryStatsOut | Problem
    """

    return sync_detailed(
        client=client,
        period=period,
        subscription_id=subscription_id,
        application=application,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    period: Period | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
) -> Response[DeliveryStatsOut | Problem]:
    """Delivery Stats

     Attempts per minute by outcome, their success rate and mean duration, the worst
    endpoints with their last error, and the backlog: read from per-minute counters, so a
    day costs its minutes, not its attempts.

    Args:
        period (Period | Unset):
        subscription_id (int | None | Unset): Only this subscription's attempts.
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DeliveryStatsOut | Problem]
    """

    kwargs = _get_kwargs(
        period=period,
        subscription_id=subscription_id,
        application=application,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    period: Period | Unset = UNSET,
    subscription_id: int | None | Unset = UNSET,
    application: None | str | Unset = UNSET,
) -> DeliveryStatsOut | Problem | None:
    """Delivery Stats

     Attempts per minute by outcome, their success rate and mean duration, the worst
    endpoints with their last error, and the backlog: read from per-minute counters, so a
    day costs its minutes, not its attempts.

    Args:
        period (Period | Unset):
        subscription_id (int | None | Unset): Only this subscription's attempts.
        application (None | str | Unset): Only this application's (its uid); an operator key's
            filter.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DeliveryStatsOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            period=period,
            subscription_id=subscription_id,
            application=application,
        )
    ).parsed
