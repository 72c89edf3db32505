"""The benchmark's receiver: raw asyncio HTTP/1.1 keep-alive, in a process of its own.

``POST /<path>`` answers ``200 ok`` at once, or after 2 s when the path starts with
``/slow``. Per path it counts requests and distinct ``webhook-id``\\ s and keeps each
delivery's latency: receipt time minus ``data.sent`` (the wall-clock time the load
generator put in the event just before publishing it). ``GET /_stats?prefix=/fan/``
returns the tally of the paths under a prefix as JSON, ``GET /_reset`` clears it.

A path under ``/pace/`` is an endpoint that takes :data:`PACE_LIMIT` requests at once: each
taken one is answered ``200`` after :data:`PACE_SECONDS`; one that arrives while
:data:`PACE_LIMIT` are being served is answered ``429`` at once, and under ``/pace-ra/``
every :data:`RETRY_AFTER_EVERY`\\ th of those also carries ``Retry-After: 1``. Refusals
are counted (``refused``, ``retry_after``), not tallied as deliveries.

    python -m bench.receiver PORT_FILE
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import orjson

OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
SLOW_SECONDS = 2.0
PACE_LIMIT = 8  # requests a /pace/ endpoint serves at once
PACE_SECONDS = 0.02  # how long it takes to serve one
RETRY_AFTER_EVERY = 20  # under /pace-ra/: one 429 in this many asks for a pause
TOO_MANY = b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\ntoo many"
TOO_MANY_PAUSE = (
    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Type: text/plain\r\n"
    b"Content-Length: 8\r\n\r\ntoo many"
)


@dataclass
class PathStats:
    count: int = 0
    ids: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)
    last: float = 0.0
    refused: int = 0  # 429s answered (a /pace/ path)
    retry_after: int = 0  # of which with Retry-After


STATS: dict[str, PathStats] = {}
IN_FLIGHT: dict[str, int] = {}  # per /pace/ path: requests being served now


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def snapshot(prefix: str) -> dict[str, Any]:
    """The paths starting with ``prefix``, together."""
    chosen = [s for path, s in STATS.items() if path.startswith(prefix)]
    latencies = [x for s in chosen for x in s.latencies]
    return {
        "count": sum(s.count for s in chosen),
        "distinct": sum(len(s.ids) for s in chosen),
        "last": max((s.last for s in chosen), default=0.0),
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "max_ms": max(latencies, default=0.0) * 1000,
        "refused": sum(s.refused for s in chosen),
        "retry_after": sum(s.retry_after for s in chosen),
    }


def parse_head(head: bytes) -> tuple[str, str, dict[bytes, bytes]]:
    request_line, *lines = head.split(b"\r\n")
    method, path, _ = request_line.decode().split(" ", 2)
    headers = {}
    for line in lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    return method, path, headers


def content_length(head: bytes) -> int:
    """The Content-Length of a request head (0 if absent), without parsing the rest."""
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


class HttpFraming(asyncio.Protocol):
    """Splits an HTTP/1.1 keep-alive byte stream into requests and calls :meth:`handle` with
    each one's head and body (also the receiver of ``bench/http_clients.py``, which only
    answers: so the framing parses nothing it does not need)."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = bytes(self.buffer[:end])
            total = end + 4 + content_length(head)
            if len(self.buffer) < total:
                return
            body = bytes(self.buffer[end + 4 : total])
            del self.buffer[:total]
            self.handle(head, body)

    def handle(self, head: bytes, body: bytes) -> None:
        raise NotImplementedError


class Handler(HttpFraming):
    """Records each delivery (see the module docstring)."""

    def handle(self, head: bytes, body: bytes) -> None:
        assert self.transport is not None
        method, path, headers = parse_head(head)
        if method == "GET":
            if path == "/_reset":
                STATS.clear()
            out = orjson.dumps(snapshot(path.partition("?prefix=")[2]))
            head_out = (
                f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(out)}\r\n\r\n"
            )
            self.transport.write(head_out.encode() + out)
            return
        now = time.time()
        stats = STATS.setdefault(path, PathStats())
        if path.startswith(("/pace/", "/pace-ra/")) and not self.take(path, stats):
            return
        stats.count += 1
        stats.last = now
        stats.ids.add(headers.get(b"webhook-id", b"").decode())
        sent = orjson.loads(body).get("data", {}).get("sent")
        if isinstance(sent, float):
            stats.latencies.append(now - sent)
        if path.startswith("/slow"):
            asyncio.get_running_loop().call_later(SLOW_SECONDS, self.transport.write, OK)
        elif path.startswith(("/pace/", "/pace-ra/")):
            asyncio.get_running_loop().call_later(PACE_SECONDS, self.served, path)
        else:
            self.transport.write(OK)

    def take(self, path: str, stats: PathStats) -> bool:
        """A /pace/ request: taken (True), or refused with a 429 (False) when
        :data:`PACE_LIMIT` are being served."""
        assert self.transport is not None
        if IN_FLIGHT.get(path, 0) < PACE_LIMIT:
            IN_FLIGHT[path] = IN_FLIGHT.get(path, 0) + 1
            return True
        stats.refused += 1
        if path.startswith("/pace-ra/") and stats.refused % RETRY_AFTER_EVERY == 0:
            stats.retry_after += 1
            self.transport.write(TOO_MANY_PAUSE)
        else:
            self.transport.write(TOO_MANY)
        return False

    def served(self, path: str) -> None:
        IN_FLIGHT[path] -= 1
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(OK)


async def main(port_file: Path) -> None:
    server = await asyncio.get_running_loop().create_server(Handler, "127.0.0.1", 0, backlog=4096)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main(Path(sys.argv[1])))
