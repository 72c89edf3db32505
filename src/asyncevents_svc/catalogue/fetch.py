"""The HTTP client of ``asyncevents.http_fetch``: the worker's payload GETs, behind the SSRF guard.

A fetch URL is an operator's template filled with a publisher's arguments, and its target is
normally an internal service. So fetches pass the guard webhook recipients pass
(:mod:`asyncevents_svc.notifiers.ssrf`), with its :data:`~asyncevents_svc.notifiers.ssrf.FETCHES`
use: loopback, private, link-local, ... addresses are refused unless
``security.fetch_allowlist`` names them (or, in development, they are loopback). The
mechanism is the HTTP notifier's: an aiohttp session whose connector resolves every name
through the policy's :class:`~asyncevents_svc.notifiers.ssrf.GuardedResolver`, so the address
that was checked is the address connected to (DNS rebinding has no window), and a precheck
for IP literals, which never reach a resolver. Redirects are not followed.

URLs are sent exactly as built (``yarl.URL(..., encoded=True)``): left to itself yarl would
"normalise" ``%3B``, ``%3D``, ``%2C`` or ``%26`` in a path back to ``;``, ``=``, ``,``,
``&`` — and a value ``..;`` sent as ``..;`` is a parent directory to Tomcat.

An answer is read up to ``http.fetch_max_bytes`` (5 MB) and refused past it, so an upstream
cannot make a worker hold an unbounded body.

:meth:`FetchClient.get_json` never lets a client exception out: every failure is a
:class:`FetchFailed` whose text names the URL without its credentials.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from yarl import URL

from asyncevents_svc.notifiers.ssrf import FETCHES, RecipientPolicy, RecipientRefused
from asyncevents_svc.settings import HttpSettings, SecuritySettings


class FetchFailed(Exception):
    """A fetch produced no JSON; ``str()`` says why (no secret in it)."""


def fetch_policy(security: SecuritySettings, env: str, *, resolve_timeout: float = 5.0) -> RecipientPolicy:
    """The guard of fetches: the recipients' rules with ``fetch_allowlist`` as the allow-list."""
    return RecipientPolicy(security, env, resolve_timeout=resolve_timeout, use=FETCHES)


def shown_url(url: str) -> str:
    """``url`` without a ``user:password@`` part, for error messages and logs."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<an invalid URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


class FetchClient:
    """One pooled aiohttp session per worker for payload fetches, opened on first use."""

    def __init__(self, policy: RecipientPolicy, settings: HttpSettings) -> None:
        self.policy = policy
        self.settings = settings
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.settings.max_connections,
                ttl_dns_cache=60,
                resolver=self.policy.resolver(),
            )
            timeout = aiohttp.ClientTimeout(
                total=self.settings.timeout,
                sock_connect=min(self.settings.timeout, self.settings.connect_timeout),
            )
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=timeout, headers={"user-agent": self.settings.user_agent}
            )
        return self._session

    async def get_json(self, url: str) -> Any:
        """GET ``url`` (ASCII, already percent-encoded: it is sent as it is) and return its
        JSON body; raise :class:`FetchFailed` otherwise."""
        shown = shown_url(url)
        if not url.isascii():
            raise FetchFailed(f"GET {shown} refused: the URL is not percent-encoded ASCII")
        refused = self.policy.precheck(url)  # IP literals never reach the guarded resolver
        if refused is not None:
            raise FetchFailed(f"GET {shown} refused: {refused}")
        try:
            async with self._open().get(
                URL(url, encoded=True), headers={"accept": "application/json"}, allow_redirects=False
            ) as response:
                if not 200 <= response.status < 300:
                    raise FetchFailed(f"GET {shown} answered {response.status}")
                body = await self._read_capped(response, shown)
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, RecipientRefused):
                raise FetchFailed(f"GET {shown} refused: {exc.os_error.reason}") from exc
            raise FetchFailed(f"GET {shown} failed: {type(exc).__name__}: {exc}") from exc
        except TimeoutError as exc:
            raise FetchFailed(f"GET {shown} timed out") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            # The type only: the text of some (an invalid URL) would repeat the URL in full.
            raise FetchFailed(f"GET {shown} failed: {type(exc).__name__}") from exc
        try:
            return json.loads(body)
        except ValueError as exc:
            raise FetchFailed(f"GET {shown} did not return JSON") from exc

    async def _read_capped(self, response: aiohttp.ClientResponse, shown: str) -> bytes:
        """The body, refused as soon as it is known to pass ``fetch_max_bytes`` (from
        Content-Length, or while a chunked body arrives), never held past the limit."""
        limit = self.settings.fetch_max_bytes
        too_large = FetchFailed(f"GET {shown} answered more than the limit: larger than {limit} bytes")
        if response.content_length is not None and response.content_length > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(65536):
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()
