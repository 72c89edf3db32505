"""Profile single-event ingest under load: py-spy on the ``api`` process (no worker) while
the load generator sends ``POST /v1/events`` at 32 concurrent, as ``make bench`` does.

    python -m bench.profile_ingest PY_SPY OUT_PREFIX [EVENTS]

Writes ``OUT_PREFIX.txt`` (py-spy's collapsed stacks, for bench/profile_split.py) and
``OUT_PREFIX.svg`` (a flame graph) and prints the load generator's result.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from tests.support.cluster import Cluster

from bench.run import EVENTS, ROOT, Bench, Sizes


async def main(py_spy: str, out: str, events: int) -> None:
    with tempfile.TemporaryDirectory() as work:
        cluster = Cluster("rabbitmq", Path(work), events_file=EVENTS)
        await cluster.create()
        try:
            cluster.start_api()
            await cluster.until_ready()
            assert cluster.api is not None
            bench = Bench(Sizes(), Path(work))
            await bench.loadgen(cluster.base_url, "bench.ingest", 2000, concurrency=32)  # warm up
            seconds = "12"
            for fmt, suffix in (("raw", "txt"), ("flamegraph", "svg")):
                spy = await asyncio.create_subprocess_exec(
                    py_spy,
                    "record",
                    "--pid",
                    str(cluster.api.pid),
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
                result = await bench.loadgen(cluster.base_url, "bench.ingest", events, concurrency=32)
                await spy.wait()
                print(fmt, result)
        finally:
            await cluster.stop()
            await cluster.drop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 12000))
