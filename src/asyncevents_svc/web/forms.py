"""Form posts of the web apps: the body, its fields, and the same-origin rule."""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request


async def form_fields(request: Request) -> dict[str, list[str]]:
    """A urlencoded form body (the API's body limit applies before we get here)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return parse_qs(body, keep_blank_values=True)


def first(fields: dict[str, list[str]], name: str) -> str:
    return fields.get(name, [""])[0].strip()


def same_origin(request: Request) -> bool:
    """A form POST must come from one of our own pages (defence in depth beside the
    cookie's SameSite, and the whole defence when an embedded portal's cookie is
    ``SameSite=None``): a browser's ``Sec-Fetch-Site`` or ``Origin`` names another site."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"
