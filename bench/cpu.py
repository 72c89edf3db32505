"""CPU seconds a phase cost the service, and how busy the rest of the machine was meanwhile.

On a shared machine a phase's deliveries/s falls whenever a neighbour takes the cores, so
two builds measured minutes apart can differ by a factor of two with the same code. The
CPU time the service spends per delivery hardly moves with the neighbours, and the busy
time of everything else says how much of the machine the phase had: the report shows both
beside the rate, so an A/B can tell a slower build from a busier machine. (The database
queue's end-to-end "drop" after issue 14 was the machine: bench/RESULTS.md.)

Linux only (``/proc``), and PostgreSQL on this machine: a backend that cannot be read
counts zero, and one that ended during the phase is missed (the pool keeps them open).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tests.support.cluster import Cluster

_TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1


def process_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process; 0 if it is gone or not ours to read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICK


def machine_busy_seconds() -> float:
    """CPU seconds all cores together spent busy (neither idle nor waiting for I/O)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / _TICK


def harness_seconds(receiver_pid: int) -> float:
    """The benchmark's own CPU: this process, its finished load generators, the receiver."""
    own = os.times()
    return own.user + own.system + own.children_user + own.children_system + process_seconds(receiver_pid)


@dataclass(frozen=True)
class Spent:
    """CPU seconds over one phase: the service's processes, the PostgreSQL backends serving
    its database, the benchmark itself and the whole machine."""

    service: float
    database: float
    harness: float
    machine: float

    @property
    def others(self) -> float:
        """What the rest of the machine (other users' work) took in the same time."""
        return max(0.0, self.machine - self.service - self.database - self.harness)


@dataclass(frozen=True)
class Usage:
    """The counters at one moment; two of them make a :class:`Spent`."""

    service: float
    backends: dict[int, float]  # PostgreSQL backend pid -> its CPU seconds so far
    harness: float
    machine: float

    def since(self, earlier: Usage) -> Spent:
        # A backend that started meanwhile counts from 0; one that ended is missed.
        database = sum(seconds - earlier.backends.get(pid, 0.0) for pid, seconds in self.backends.items())
        return Spent(
            self.service - earlier.service,
            database,
            self.harness - earlier.harness,
            self.machine - earlier.machine,
        )


async def usage(cluster: Cluster, receiver_pid: int) -> Usage:
    """The counters now, for the API, every worker started so far and the database's backends."""
    rows = await cluster.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    processes = [p for p in [cluster.api, *cluster.workers] if p is not None]
    return Usage(
        service=sum(process_seconds(p.pid) for p in processes),
        backends={int(row["pid"]): process_seconds(int(row["pid"])) for row in rows},
        harness=harness_seconds(receiver_pid),
        machine=machine_busy_seconds(),
    )
