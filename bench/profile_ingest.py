"""Profile single-event ingest under load: py-spy on the ``api`` process (no worker) while
the load generator sends ``POST /v1/events`` at 32 concurrent, as ``make bench`` does.

    python -m bench.profile_ingest PY_SPY OUT_PREFIX [EVENTS [floor]]

With ``floor``, the same for the ingest floor (``bench/ingest_floor.py``) on the same kind
of database, so the two splits can be set side by side.

Writes ``OUT_PREFIX.txt`` (py-spy's collapsed stacks, for bench/profile_split.py) and
``OUT_PREFIX.svg`` (a flame graph) and prints the load generator's result.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from tests.support.cluster import PG_BASE, Cluster
from tests.support.serving import free_port

from bench.run import AS_DEPLOYED, EVENTS, ROOT, Bench, Sizes, until_http


async def main(py_spy: str, out: str, events: int, floor: bool) -> None:
    with tempfile.TemporaryDirectory() as work:
        cluster = Cluster("rabbitmq", Path(work), groups=AS_DEPLOYED, events_file=EVENTS)
        await cluster.create()
        try:
            cluster.start_api()
            await cluster.until_ready()
            assert cluster.api is not None
            bench = Bench(Sizes(), Path(work))
            pid, url = cluster.api.pid, cluster.base_url
            if floor:
                port = free_port()
                lean = await bench.spawn("bench.ingest_floor", str(port), f"{PG_BASE}/{cluster.name}")
                pid, url = lean.pid, f"http://127.0.0.1:{port}"
                await until_http(f"{url}/openapi.json")
            await bench.loadgen(url, "bench.ingest", 2000, concurrency=32)  # warm up
            seconds = "12"
            for fmt, suffix in (("raw", "txt"), ("flamegraph", "svg")):
                spy = await asyncio.create_subprocess_exec(
                    py_spy,
                    "record",
                    "--pid",
                    str(pid),
                    "--rate",
                    "250",
                    "--duration",
                    seconds,
                    "--format",
                    fmt,
                    "-o",
                    f"{out}.{suffix}",
                    "--nonblocking",
                    cwd=ROOT,
                )
                await asyncio.sleep(1.0)
                result = await bench.loadgen(url, "bench.ingest", events, concurrency=32)
                await spy.wait()
                print(fmt, result)
            if floor:
                lean.terminate()
                await lean.wait()
        finally:
            await cluster.stop()
            await cluster.drop()


if __name__ == "__main__":
    events = int(sys.argv[3]) if len(sys.argv) > 3 else 12000
    asyncio.run(main(sys.argv[1], sys.argv[2], events, sys.argv[4:] == ["floor"]))
