"""The log's last line of defence: a key whose name says it holds a secret is written as
``[redacted]``, in every format, whatever its case."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from asyncevents_svc.logging import configure_logging


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The process's logging configured for JSON lines into a buffer, restored afterwards."""
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    configure_logging("INFO", "json")
    written = io.StringIO()
    root.handlers[0].setStream(written)  # type: ignore[attr-defined]
    yield written
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


def test_keys_naming_a_secret_are_redacted_and_the_rest_kept(json_log: io.StringIO) -> None:
    structlog.get_logger("asyncevents_svc.test").info(
        "signed",
        token="t0k3n",
        Authorization="Bearer ae_x",
        webhook_secret="s3cr3t",
        db_password="pw",
        subscription_id=7,
        recipient_url="http://127.0.0.1/hook",
    )

    [line] = [json.loads(text) for text in json_log.getvalue().splitlines()]
    assert {k: line[k] for k in ("token", "Authorization", "webhook_secret", "db_password")} == dict.fromkeys(
        ("token", "Authorization", "webhook_secret", "db_password"), "[redacted]"
    )
    assert (line["subscription_id"], line["recipient_url"]) == (7, "http://127.0.0.1/hook")
    assert "t0k3n" not in json_log.getvalue()
    assert "s3cr3t" not in json_log.getvalue()
