"""Schemathesis over the whole OpenAPI document, in process, against the real database.

Every operation gets generated requests, valid (positive) and invalid (negative), sent with
an admin key. Each answer must not be a 5xx and must match what the document declares:
status code, content type and body schema. Examples are few and derandomized, so a run is
reproducible and takes about a minute on two cores.

The app under test is built here, not taken from the ``app`` fixture: Schemathesis drives it
from its own event loop thread, so it needs a runtime (database engine) of its own. The
``runtime`` fixture still empties the tables and ``admin_headers`` stores the key first.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from asyncevents_svc.app import create_app
from asyncevents_svc.runtime import Runtime
from asyncevents_svc.settings import Settings
from tests.support.openapi_document import schema_only_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
#: Generated examples per operation and mode; raise it for a deeper local hunt.
EXAMPLES = int(os.environ.get("ASYNCEVENTS_FUZZ_EXAMPLES", "20"))
CONFIG = {
    "generation": {"mode": "all", "deterministic": True, "database": "none"},
    "phases": {"examples": {"enabled": True}, "fuzzing": {"enabled": True}, "coverage": {"enabled": True}},
    "warnings": False,
}


def _schema() -> schemathesis.BaseSchema:
    """The document as the app serves it. This app only answers ``/openapi.json``: its
    database URL is never connected to (the requests go to ``fuzz_app``)."""
    app = schema_only_app()  # its lifespan runs once, to serve the document: connect to nothing
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app, config=SchemathesisConfig.from_dict(CONFIG))
    asgi.shutdown_lifespans()
    return loaded


schema = _schema()


@pytest.fixture
def fuzz_app(settings: Settings, runtime: Runtime, admin_headers: dict[str, str]) -> Iterator[FastAPI]:
    """The app under test, on empty tables with an admin key stored; its lifespan is started
    by Schemathesis in its own event loop on the first request and stopped here. Without a
    broker: a connection still being opened would make ``/health/ready`` a rightful 503."""
    yield create_app(settings.model_copy(update={"broker_url": None}))
    asgi.shutdown_lifespans()


@schema.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate, hypothesis.Phase.shrink],
)
def test_openapi(case: schemathesis.Case[Any], fuzz_app: FastAPI, admin_headers: dict[str, str]) -> None:
    case.call_and_validate(app=fuzz_app, headers=admin_headers, checks=CHECKS)
