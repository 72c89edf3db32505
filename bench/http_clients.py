"""Compare httpx and aiohttp for webhook delivery against a local raw-asyncio receiver.

Run from the repository root::

    uv run python -m bench.http_clients                      # 3 s per case, concurrency 1,16,64
    uv run python -m bench.http_clients --seconds 5 --concurrency 1,16,64,256 --uvloop

A minimal HTTP/1.1 keep-alive receiver runs in a separate (spawned) process on 127.0.0.1 and
a free port. For each concurrency, each client POSTs a ~200-byte signed JSON body for a fixed
duration after a warm-up; the table shows requests/s and p50/p99 latency, and the
aiohttp/httpx ratios are computed from the same run so they hold up on a noisy machine.
``httpx-fix`` is httpx with the failed ``import sniffio`` cached (see ``bench_httpx_fix``).
``--uvloop`` runs the clients on uvloop (if installed); the receiver always uses uvloop when
it is installed, so that it is not the bottleneck. No traffic leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
import httpx

from bench.receiver import HttpFraming

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

HOST = "127.0.0.1"
WARMUP = 0.5
CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 15.0
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"

Post = Callable[[], Awaitable[None]]


# --- receiver (runs in its own process) -------------------------------------------------------


class Receiver(HttpFraming):
    """Answers every complete request on a keep-alive connection with ``200 ok``."""

    def handle(self, head: bytes, body: bytes) -> None:
        assert self.transport is not None
        self.transport.write(RESPONSE)


async def receive(ports: Queue[int], lifetime: float) -> None:
    server = await asyncio.get_running_loop().create_server(Receiver, HOST, 0, backlog=1024)
    ports.put(server.sockets[0].getsockname()[1])
    async with server:
        await asyncio.sleep(lifetime)  # the parent terminates us sooner; this is a backstop


def run_receiver(ports: Queue[int], lifetime: float) -> None:
    try:
        import uvloop

        uvloop.run(receive(ports, lifetime))
    except ImportError:
        asyncio.run(receive(ports, lifetime))


# --- clients -------------------------------------------------------------------------------


def make_request() -> tuple[bytes, dict[str, str]]:
    """A ~200-byte JSON body and the headers the HTTP notifier sends with it."""
    payload = {"order_id": 100000123, "status": "processing", "items": [{"sku": "24-MB01"}]}
    body = json.dumps({"data": payload, "pad": "x" * 90}, separators=(",", ":")).encode()
    secret, msg_id, ts = b"bench-secret", "msg_2bWbK3bench", str(int(time.time()))
    mac = hmac.new(secret, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    headers = {
        "content-type": "application/json",
        "x-magento-signature": hmac.new(secret, body, hashlib.sha256).hexdigest(),
        "webhook-id": msg_id,
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }
    return body, headers


@dataclass
class Result:
    client: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


async def drive(post: Post, concurrency: int, seconds: float) -> tuple[float, list[float], int]:
    """Run ``concurrency`` workers; measure requests started after the warm-up."""
    start = time.perf_counter() + WARMUP
    stop = start + seconds
    latencies: list[float] = []
    errors = 0

    async def worker() -> None:
        nonlocal errors
        while (t0 := time.perf_counter()) < stop:
            try:
                await post()
            except Exception:
                if t0 >= start:
                    errors += 1
                continue
            if t0 >= start:
                latencies.append(time.perf_counter() - t0)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies) / seconds, sorted(latencies), errors


async def bench_httpx(url: str, concurrency: int, seconds: float) -> tuple[float, list[float], int]:
    body, headers = make_request()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timeout = httpx.Timeout(TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT)
    async with httpx.AsyncClient(timeout=timeout, limits=limits, follow_redirects=False) as client:

        async def post() -> None:
            async with asyncio.timeout(TOTAL_TIMEOUT):  # httpx has no total timeout of its own
                response = await client.post(url, content=body, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(response.status_code)

        return await drive(post, concurrency, seconds)


async def bench_aiohttp(url: str, concurrency: int, seconds: float) -> tuple[float, list[float], int]:
    body, headers = make_request()
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=0)
    timeout = aiohttp.ClientTimeout(total=TOTAL_TIMEOUT, connect=CONNECT_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def post() -> None:
            async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(response.status)

        return await drive(post, concurrency, seconds)


async def bench_httpx_fix(url: str, concurrency: int, seconds: float) -> tuple[float, list[float], int]:
    """httpx with a failed ``import sniffio`` cached, as encode/httpcore#1103 proposes.

    anyio >= 4.11 no longer pulls in sniffio, and httpcore 1.0.x retries that import (a
    sys.path scan) on every lock setup, i.e. several times per request.
    """
    if "sniffio" in sys.modules:  # installed and imported: nothing to emulate
        return await bench_httpx(url, concurrency, seconds)
    sys.modules["sniffio"] = None  # type: ignore[assignment]  # makes the import fail fast
    try:
        return await bench_httpx(url, concurrency, seconds)
    finally:
        del sys.modules["sniffio"]


CLIENTS = {"httpx": bench_httpx, "httpx-fix": bench_httpx_fix, "aiohttp": bench_aiohttp}


def percentile_ms(ordered: list[float], q: float) -> float:
    """The q-quantile (nearest rank) of sorted latencies in seconds, in milliseconds."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


async def run_all(url: str, concurrencies: list[int], seconds: float) -> list[Result]:
    results = []
    for concurrency in concurrencies:
        for name, bench in CLIENTS.items():
            # Bounded even if the receiver hangs: warm-up + run + one total timeout + slack.
            async with asyncio.timeout(WARMUP + seconds + TOTAL_TIMEOUT + 5):
                rps, lat, errors = await bench(url, concurrency, seconds)
            p50, p99 = percentile_ms(lat, 0.50), percentile_ms(lat, 0.99)
            results.append(Result(name, concurrency, rps, p50, p99, errors))
            print(f"  done: {name:9} c={concurrency:<4} {rps:9.0f} req/s", file=sys.stderr)
    return results


def report(results: list[Result]) -> None:
    print(f"{'client':9} {'conc':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for r in results:
        print(f"{r.client:9} {r.concurrency:5d} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.errors:7d}")
    by = {(r.client, r.concurrency): r for r in results}
    for base in ("httpx", "httpx-fix"):
        print(f"\naiohttp/{base}  (req/s ratio > 1 and latency ratios < 1 favour aiohttp)")
        for c in sorted({r.concurrency for r in results}):
            a, h = by[("aiohttp", c)], by[(base, c)]
            print(
                f"  c={c:<4} req/s x{ratio(a.rps, h.rps):5.2f}   p50 x"
                f"{ratio(a.p50_ms, h.p50_ms):5.2f}   p99 x{ratio(a.p99_ms, h.p99_ms):5.2f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per case")
    parser.add_argument("--concurrency", default="1,16,64", help="comma-separated, e.g. 1,16,64")
    parser.add_argument("--uvloop", action="store_true", help="run the clients on uvloop")
    args = parser.parse_args()
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    if not 0 < args.seconds <= 600 or min(concurrencies) < 1:
        parser.error("need 0 < --seconds <= 600 and concurrency >= 1")

    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    if args.uvloop:
        try:
            import uvloop

            loop_factory = uvloop.new_event_loop
        except ImportError:
            print("uvloop is not installed; using the default loop", file=sys.stderr)

    budget = len(concurrencies) * len(CLIENTS) * (WARMUP + args.seconds + TOTAL_TIMEOUT + 5)
    ctx = multiprocessing.get_context("spawn")
    ports: Queue[int] = ctx.Queue()
    server = ctx.Process(target=run_receiver, args=(ports, budget + 30), daemon=True)
    server.start()
    try:
        url = f"http://{HOST}:{ports.get(timeout=30)}/webhook"
        print(
            f"python {platform.python_version()}, httpx {httpx.__version__}, "
            f"aiohttp {aiohttp.__version__}, client loop "
            f"{'uvloop' if loop_factory else 'asyncio'}, {os.cpu_count()} CPUs, "
            f"{args.seconds:g} s per case after {WARMUP:g} s warm-up\n"
        )
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            results = runner.run(run_all(url, concurrencies, args.seconds))
        report(results)
    finally:
        server.terminate()
        server.join(timeout=5)


if __name__ == "__main__":
    main()
