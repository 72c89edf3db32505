"""A runtime that verifies endpoints, with challenges retried fast: import ``runtime`` into a
test module and its ``app``, ``api`` and ``worker`` fixtures take it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from asyncevents_svc.catalogue.model import Catalogue
from asyncevents_svc.messaging.dbqueue import LocalPublisher
from asyncevents_svc.runtime import Runtime, build_runtime
from asyncevents_svc.settings import Settings

# Two retries 0.3 s apart: a round that is never echoed expires after three challenges.
VERIFY = {"verify_endpoints": True, "verification_schedule": [0.3, 0.3], "verification_expiry": 60.0}


@pytest.fixture
async def runtime(settings: Settings, catalogue: Catalogue, runtime: Runtime) -> AsyncIterator[Runtime]:
    """The conftest's runtime (which empties the tables), verifying endpoints."""
    verifying = settings.model_copy(update={"security": settings.security.model_copy(update=VERIFY)})
    rt = build_runtime(verifying, catalogue=catalogue)
    if verifying.broker_url is None:
        rt.publisher = LocalPublisher()
    yield rt
    await rt.close()
