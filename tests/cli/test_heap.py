"""The long-lived processes freeze what start-up built (cli/heap.py), so a full collection
no longer walks it, and still collect the cyclic garbage they make afterwards."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from asyncevents_svc.cli.heap import YOUNG_THRESHOLD

PROBE = textwrap.dedent(
    """
    import gc, weakref
    from asyncevents_svc.app import create_app
    from asyncevents_svc.cli.heap import settle
    from asyncevents_svc.settings import Settings

    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    settle()
    print(gc.get_freeze_count(), gc.get_threshold()[0])

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a  # a cycle made after start-up
    gone = []
    weakref.finalize(a, gone.append, "a")
    del a, b
    gc.collect()
    print(gone)
    """
)


def test_settle_freezes_start_up_and_still_collects_later_cycles() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    counts, collected = done.stdout.splitlines()
    frozen, young = counts.split()
    assert int(frozen) > 50_000  # the app and everything it imported
    assert int(young) == YOUNG_THRESHOLD
    assert collected == "['a']"
