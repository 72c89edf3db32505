"""How ``api`` and ``serve`` run uvicorn: the settings' host, port, proxy trust and root path,
with uvicorn's own logging off (the service logs; ``api/access.py`` writes the access line).
The socket itself is bound first by :mod:`.sockets`."""

from __future__ import annotations

import uvicorn
from starlette.types import ASGIApp

from asyncevents_svc.settings import Settings


def server_config(app: ASGIApp, settings: Settings) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        root_path=settings.root_path,
        log_config=None,
        access_log=False,
    )
