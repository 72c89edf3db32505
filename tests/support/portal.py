"""Opening a consumer-portal link as a browser does."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx


def local(url: str) -> str:
    """A link's path and query, for a client of the in-process app."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def follow(client: httpx.AsyncClient, link: str) -> httpx.Response:
    """What a browser does with a link: its page (which spends nothing), then the page's
    form post of the token, from the portal's own origin."""
    page = await client.get(local(link))
    assert page.status_code == 200, page.text
    assert 'data-testid="open-portal"' in page.text
    token = parse_qs(urlsplit(link).query).get("token", [""])[0]
    return await client.post("/portal/open", data={"token": token}, headers={"sec-fetch-site": "same-origin"})
