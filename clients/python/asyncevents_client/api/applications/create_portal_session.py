from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.portal_session_create import PortalSessionCreate
from ...models.portal_session_out import PortalSessionOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    application: str,
    *,
    body: None | PortalSessionCreate | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/applications/{application}/portal-sessions".format(
            application=quote(str(application), safe=""),
        ),
    }

    if isinstance(body, PortalSessionCreate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PortalSessionOut | Problem | None:
    if response.status_code == 201:
        response_201 = PortalSessionOut.from_dict(response.json())

        return response_201

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
) -> Response[PortalSessionOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application: str,
    *,
    client: AuthenticatedClient,
    body: None | PortalSessionCreate | Unset = UNSET,
) -> Response[PortalSessionOut | Problem]:
    """Create Portal Session

     A single-use link into this application's portal, to open within
    `portal.link_lifetime` (10 minutes by default): send the consumer's browser there (a
    redirect, or the `src` of a frame when embedding is configured). Its session lasts
    `portal.session_lifetime` on a key bound to the application.

    Args:
        application (str): The application's id or uid.
        body (None | PortalSessionCreate | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PortalSessionOut | Problem]
    """

    kwargs = _get_kwargs(
        application=application,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application: str,
    *,
    client: AuthenticatedClient,
    body: None | PortalSessionCreate | Unset = UNSET,
) -> PortalSessionOut | Problem | None:
    """Create Portal Session

     A single-use link into this application's portal, to open within
    `portal.link_lifetime` (10 minutes by default): send the consumer's browser there (a
    redirect, or the `src` of a frame when embedding is configured). Its session lasts
    `portal.session_lifetime` on a key bound to the application.

    Args:
        application (str): The application's id or uid.
        body (None | PortalSessionCreate | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PortalSessionOut | Problem
    """

    return sync_detailed(
        application=application,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    application: str,
    *,
    client: AuthenticatedClient,
    body: None | PortalSessionCreate | Unset = UNSET,
) -> Response[PortalSessionOut | Problem]:
    """Create Portal Session

     A single-use link into this application's portal, to open within
    `portal.link_lifetime` (10 minutes by default): send the consumer's browser there (a
    redirect, or the `src` of a frame when embedding is configured). Its session lasts
    `portal.session_lifetime` on a key bound to the application.

    Args:
        application (str): The application's id or uid.
        body (None | PortalSessionCreate | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PortalSessionOut | Problem]
    """

    kwargs = _get_kwargs(
        application=application,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application: str,
    *,
    client: AuthenticatedClient,
    body: None | PortalSessionCreate | Unset = UNSET,
) -> PortalSessionOut | Problem | None:
    """Create Portal Session

     A single-use link into this application's portal, to open within
    `portal.link_lifetime` (10 minutes by default): send the consumer's browser there (a
    redirect, or the `src` of a frame when embedding is configured). Its session lasts
    `portal.session_lifetime` on a key bound to the application.

    Args:
        application (str): The application's id or uid.
        body (None | PortalSessionCreate | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PortalSessionOut | Problem
    """

    return (
        await asyncio_detailed(
            application=application,
            client=client,
            body=body,
        )
    ).parsed
