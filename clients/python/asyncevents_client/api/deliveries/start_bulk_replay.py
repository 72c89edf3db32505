from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.replay_count import ReplayCount
from ...models.replay_job_out import ReplayJobOut
from ...models.replay_request import ReplayRequest
from ...types import Response


def _get_kwargs(
    *,
    body: ReplayRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/replays",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ReplayCount | ReplayCount | ReplayJobOut | None:
    if response.status_code == 200:
        response_200 = ReplayCount.from_dict(response.json())

        return response_200

    if response.status_code == 202:

        def _parse_response_202(data: object) -> ReplayCount | ReplayJobOut:
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                response_202_type_0 = ReplayJobOut.from_dict(data)

                return response_202_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            response_202_type_1 = ReplayCount.from_dict(data)

            return response_202_type_1

        response_202 = _parse_response_202(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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
) -> Response[Problem | ReplayCount | ReplayCount | ReplayJobOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ReplayRequest,
) -> Response[Problem | ReplayCount | ReplayCount | ReplayJobOut]:
    """Bulk Replay

     Replay every finished delivery that matches (dead letters by default).

    With ``dry_run`` only the count comes back (200). Otherwise a job is queued (202) that a
    worker runs in batches; follow its progress at ``GET /v1/replays/{id}``.

    A `q` needs `deliveries:read` as well: a search reads payloads, and the count or the
    job's progress would tell what it matched. Deliveries of events whose `<resources>` the
    key lacks are left out (`excluded_events`); naming such an event is a 403.

    Args:
        body (ReplayRequest): Which deliveries to replay; every given criterion must hold.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayCount | ReplayCount | ReplayJobOut]
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
    body: ReplayRequest,
) -> Problem | ReplayCount | ReplayCount | ReplayJobOut | None:
    """Bulk Replay

     Replay every finished delivery that matches (dead letters by default).

    With ``dry_run`` only the count comes back (200). Otherwise a job is queued (202) that a
    worker runs in batches; follow its progress at ``GET /v1/replays/{id}``.

    A `q` needs `deliveries:read` as well: a search reads payloads, and the count or the
    job's progress would tell what it matched. Deliveries of events whose `<resources>` the
    key lacks are left out (`excluded_events`); naming such an event is a 403.

    Args:
        body (ReplayRequest): Which deliveries to replay; every given criterion must hold.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayCount | ReplayCount | ReplayJobOut
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ReplayRequest,
) -> Response[Problem | ReplayCount | ReplayCount | ReplayJobOut]:
    """Bulk Replay

     Replay every finished delivery that matches (dead letters by default).

    With ``dry_run`` only the count comes back (200). Otherwise a job is queued (202) that a
    worker runs in batches; follow its progress at ``GET /v1/replays/{id}``.

    A `q` needs `deliveries:read` as well: a search reads payloads, and the count or the
    job's progress would tell what it matched. Deliveries of events whose `<resources>` the
    key lacks are left out (`excluded_events`); naming such an event is a 403.

    Args:
        body (ReplayRequest): Which deliveries to replay; every given criterion must hold.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReplayCount | ReplayCount | ReplayJobOut]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ReplayRequest,
) -> Problem | ReplayCount | ReplayCount | ReplayJobOut | None:
    """Bulk Replay

     Replay every finished delivery that matches (dead letters by default).

    With ``dry_run`` only the count comes back (200). Otherwise a job is queued (202) that a
    worker runs in batches; follow its progress at ``GET /v1/replays/{id}``.

    A `q` needs `deliveries:read` as well: a search reads payloads, and the count or the
    job's progress would tell what it matched. Deliveries of events whose `<resources>` the
    key lacks are left out (`excluded_events`); naming such an event is a 403.

    Args:
        body (ReplayRequest): Which deliveries to replay; every given criterion must hold.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReplayCount | ReplayCount | ReplayJobOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
