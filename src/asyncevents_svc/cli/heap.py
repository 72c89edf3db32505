"""The garbage collector, set for a long-lived process once it is built.

Start-up leaves ~170,000 objects (modules, the app and its routes, pydantic and SQLAlchemy
machinery, the catalogue) that live as long as the process. CPython's default collector
walks all of them in every full collection, and under load a full collection comes every
few hundred requests: the objects of the requests in flight, promoted by the younger
collections, soon make up the quarter of the old generation that triggers one. Measured on
``POST /v1/events`` at 32 concurrent: 4 full collections each 750 requests, the collector
taking about half the API's time (docs/performance.md).

:func:`settle` runs once, after the process is built and before it serves: one collection
of start-up's garbage, then :func:`gc.freeze` moves what is left to the permanent
generation, which no collection walks again; and the youngest generation is collected
every :data:`YOUNG_THRESHOLD` allocations instead of 700, so a request's own short-lived
containers mostly die by reference counting before a collection looks at them. Cyclic
garbage is still collected; it only waits a little longer (at most a few MB of it).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000  # CPython's default is 700


def settle() -> None:
    """Freeze what start-up built and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
