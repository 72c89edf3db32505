"""The API's listening socket, bound by the CLI before uvicorn starts.

uvicorn reports a taken port with a log line and ``sys.exit(1)`` from inside its server;
binding first (as uvicorn's own ``bind_socket`` does: ``SO_REUSEADDR``, IPv6 for an address
with a colon) lets the command stop before it starts anything, with one line that names
the option and the variable to change, and exit code 2 like every other bad setting.
"""

from __future__ import annotations

import socket


class ListenError(Exception):
    """The address cannot be listened on (taken, not local, not an address)."""


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``; uvicorn listens on it (``Server.serve(sockets=...)``)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = (exc.strerror or str(exc)).lower()
        raise ListenError(
            f"cannot listen on {host}:{port}: {reason} "
            "(choose another with --host/--port or ASYNCEVENTS_HOST/ASYNCEVENTS_PORT)"
        ) from None
    return sock
