"""The log's last line of defence: a key whose name says it holds a secret is written as
``[redacted]``, in every format, whatever its case."""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

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


def test_a_json_line_holds_any_value_a_log_call_passes(json_log: io.StringIO) -> None:
    event_id = uuid.UUID("0b6a6c2e-8b1f-4f6e-9a57-1f2d1c1f0a11")
    structlog.get_logger("asyncevents_svc.test").info(
        "varied",
        event_id=event_id,
        at=datetime(2026, 12, 4, 3, 0, tzinfo=UTC),
        codes={404: "missing"},
        odd=object,
        text="é",
    )

    [line] = [json.loads(text) for text in json_log.getvalue().splitlines()]
    assert line["event_id"] == str(event_id)
    assert line["at"] == "2026-12-04T03:00:00+00:00"
    assert line["codes"] == {"404": "missing"}
    assert line["odd"] == str(object)
    assert line["text"] == "é"


def test_an_integer_past_64_bits_is_written_too(json_log: io.StringIO) -> None:
    structlog.get_logger("asyncevents_svc.test").info("big", huge=2**70, event_id=uuid.UUID(int=1))

    [line] = [json.loads(text) for text in json_log.getvalue().splitlines()]
    assert (line["huge"], line["event_id"]) == (2**70, str(uuid.UUID(int=1)))
