from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.signing_key_set import SigningKeySet
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/signing-keys",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SigningKeySet | None:
    if response.status_code == 200:
        response_200 = SigningKeySet.from_dict(response.json())

        return response_200

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SigningKeySet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | SigningKeySet]:
    """List Signing Keys

     The public keys that verify `v1a` webhook signatures (a JWK Set; no key needed).

    A delivery's `webhook-signature` carries one `v1a,<base64>` per key listed here: it
    verifies with any one of them. The first key is made on first use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SigningKeySet]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> Problem | SigningKeySet | None:
    """List Signing Keys

     The public keys that verify `v1a` webhook signatures (a JWK Set; no key needed).

    A delivery's `webhook-signature` carries one `v1a,<base64>` per key listed here: it
    verifies with any one of them. The first key is made on first use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SigningKeySet
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[Problem | SigningKeySet]:
    """List Signing Keys

     The public keys that verify `v1a` webhook signatures (a JWK Set; no key needed).

    A delivery's `webhook-signature` carries one `v1a,<base64>` per key listed here: it
    verifies with any one of them. The first key is made on first use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SigningKeySet]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> Problem | SigningKeySet | None:
    """List Signing Keys

     The public keys that verify `v1a` webhook signatures (a JWK Set; no key needed).

    A delivery's `webhook-signature` carries one `v1a,<base64>` per key listed here: it
    verifies with any one of them. The first key is made on first use.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SigningKeySet
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
