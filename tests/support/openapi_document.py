"""The OpenAPI document of an app that connects to nothing, and
``python -m tests.support.openapi_document PATH``, which writes it to ``PATH``: the input of
the generated client (``make client``, docs/client.md).

The file is byte-for-byte the same on every run: keys sorted, two-space indent, a final
newline, and the document of the schema-only app (no database, no broker; the catalogue
does not change the document). So ``make client-check`` can tell a change of the API from
noise with ``diff``. ``openapi_check`` validates the same document; its validator is not
imported here, as ``make client`` need not wait for it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from fastapi import FastAPI

from asyncevents_svc.app import create_app
from asyncevents_svc.settings import Settings
from tests.support.backend import TEST_EVENTS


def schema_only_app() -> FastAPI:
    """An app on the test catalogue that only serves its document: its database URL is
    never connected to, and it has no broker to reach."""
    return create_app(
        Settings(
            env="test",
            database_url="postgresql+asyncpg://schema-only.invalid/none",
            events_file=[TEST_EVENTS],
            encryption_key=Fernet.generate_key().decode(),
            broker_url=None,
            bootstrap_admin_key=None,
        )
    )


def document() -> dict[str, Any]:
    """The document of an app on the test catalogue, as ``/openapi.json`` serves it."""
    return schema_only_app().openapi()


def serialized(spec: dict[str, Any]) -> str:
    """``spec`` as ``clients/openapi.json`` holds it."""
    return json.dumps(spec, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tests.support.openapi_document PATH", file=sys.stderr)
        return 2
    target = Path(argv[0])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(serialized(document()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
