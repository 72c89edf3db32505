"""The security headers every response carries, and the middleware that adds them.

A module of its own because :mod:`.problems` needs the headers too: it answers the 500,
which Starlette sends from outside every middleware, so it adds them itself (before, it
took them from :mod:`.limits`, which imports it: a cycle). The documentation pages and
their assets get no policy or ``no-store`` from here: :mod:`.docs` sets each page's own
policy (only this origin, inline code by hash), and the assets are cacheable static files.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from asyncevents_svc.api.docs import ASSETS as DOC_ASSETS
from asyncevents_svc.api.docs import PAGES as DOC_PAGES

_BASE_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
_API_HEADERS = {
    **_BASE_HEADERS,
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
}


#: The console's pages load their own script and style sheet, nothing else (no inline code).
_CONSOLE_HEADERS = {
    **_BASE_HEADERS,
    # Not no-referrer: with it, browsers send "Origin: null" on the console's own form posts,
    # and the console checks that origin.
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
}
CONSOLE_PREFIX = "/admin"
PORTAL_PREFIX = "/portal"


def _portal_headers(frame_ancestors: str) -> dict[str, str]:
    """The console's policy, but framable by ``frame_ancestors`` (the setting
    ``portal.frame_ancestors``); nothing else is relaxed. When it allows a frame,
    ``X-Frame-Options`` goes (it cannot name sites, and ``DENY`` would override the CSP in
    old browsers)."""
    policy = _CONSOLE_HEADERS["content-security-policy"].replace(
        "frame-ancestors 'none'", f"frame-ancestors {frame_ancestors}"
    )
    headers = {**_CONSOLE_HEADERS, "content-security-policy": policy}
    if frame_ancestors != "'none'":
        del headers["x-frame-options"]
    return headers


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _headers_of(path: str, portal: dict[str, str]) -> dict[str, str]:
    if path in DOC_PAGES or _under(path, DOC_ASSETS):
        return _BASE_HEADERS
    if _under(path, CONSOLE_PREFIX):
        return _CONSOLE_HEADERS
    if _under(path, PORTAL_PREFIX):
        return portal
    return _API_HEADERS


def security_headers(path: str, portal_frame_ancestors: str = "'none'") -> dict[str, str]:
    """The headers a response to ``path`` carries (lower-case names)."""
    return dict(_headers_of(path, _portal_headers(portal_frame_ancestors)))


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.encode(), value.encode()) for name, value in headers.items()]


class SecurityHeaders:
    """Adds :func:`security_headers` to every response, keeping any a route set itself, and
    ``Strict-Transport-Security: <hsts>`` to responses served over HTTPS.

    HTTPS is the ASGI scope's scheme: uvicorn sets it to ``https`` for TLS, and from
    ``X-Forwarded-Proto`` for a proxy it trusts (``--forwarded-allow-ips``). Over plain http
    the header is not sent: RFC 6797 (7.2) forbids it, and browsers ignore it there.
    """

    def __init__(self, app: ASGIApp, *, hsts: str = "", portal_frame_ancestors: str = "'none'") -> None:
        self.app = app
        self.hsts = [(b"strict-transport-security", hsts.encode())] if hsts else []
        self.portal_frame_ancestors = portal_frame_ancestors
        self._portal = _portal_headers(portal_frame_ancestors)
        # Encoded once for the ASGI messages, not per response.
        self._encoded = {
            id(headers): _encoded(headers)
            for headers in (_BASE_HEADERS, _API_HEADERS, _CONSOLE_HEADERS, self._portal)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._encoded[id(_headers_of(scope["path"], self._portal))]
        if scope.get("scheme") == "https":
            extra = extra + self.hsts

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
