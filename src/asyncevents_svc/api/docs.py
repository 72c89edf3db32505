"""The documentation pages, Swagger UI at ``/docs`` and ReDoc at ``/redoc``, served offline.

The pages are FastAPI's own (``fastapi.openapi.docs``); the scripts and style sheets they
load come from the ``fastapi-offline`` package, which ships Swagger UI's and ReDoc's
bundles, mounted at ``/docs/assets``. Nothing is fetched from a CDN, so the pages work on a
machine without internet and under a Content-Security-Policy that allows only this origin:
the one inline script of each page (Swagger UI's start-up call) and inline style block are
allowed by their SHA-256 hashes, computed here from the page as built.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS = "/docs"
REDOC = "/redoc"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
ASSETS = "/docs/assets"
#: The HTML pages (the assets under :data:`ASSETS` are plain static files).
PAGES = frozenset({DOCS, OAUTH2_REDIRECT, REDOC})
#: Swagger UI keeps the key entered under "Authorize" across reloads of the page.
SWAGGER_PARAMETERS = {"persistAuthorization": True, "displayOperationId": True, "tryItOutEnabled": False}

_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.S)


def assets_folder() -> Path:
    """Swagger UI's and ReDoc's files as the ``fastapi-offline`` package ships them."""
    return Path(str(files("fastapi_offline") / "static"))


def content_security_policy(html: str) -> str:
    """Only this origin, plus each inline ``<script>``/``<style>`` of ``html`` by its hash.

    ReDoc renders with styled-components, which add ``<style>`` elements at run time whose
    text no hash can foresee: its page alone allows inline styles (never inline scripts)."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in _INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        hashes[kind].append(f"'sha256-{digest}'")
    scripts = " ".join(["'self'", *hashes["script"]])
    styles = " ".join(["'self'", *(hashes["style"] if "<redoc" not in html else ["'unsafe-inline'"])])
    return (
        "default-src 'none'; "
        f"script-src {scripts}; "
        f"style-src {styles}; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class _Page:
    """One built page and its policy; each request gets a response of its own."""

    def __init__(self, built: HTMLResponse) -> None:
        self.html = bytes(built.body).decode()
        self.policy = content_security_policy(self.html)

    async def __call__(self) -> HTMLResponse:
        return HTMLResponse(self.html, headers={"content-security-policy": self.policy})


def install(app: FastAPI, *, openapi_url: str) -> None:
    """Add the two pages, Swagger UI's OAuth2 redirect page and the assets to ``app``.

    The pages are built once: they depend on nothing but the app's title."""
    swagger = _Page(
        get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            swagger_ui_parameters=SWAGGER_PARAMETERS,
        )
    )
    redoc = _Page(
        get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )
    )
    redirect = _Page(get_swagger_ui_oauth2_redirect_html())
    app.mount(ASSETS, StaticFiles(directory=assets_folder()), name="docs-assets")
    app.add_api_route(DOCS, swagger, methods=["GET"], include_in_schema=False)
    app.add_api_route(OAUTH2_REDIRECT, redirect, methods=["GET"], include_in_schema=False)
    app.add_api_route(REDOC, redoc, methods=["GET"], include_in_schema=False)
