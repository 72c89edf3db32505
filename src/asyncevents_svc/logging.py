"""Structured logging: JSON lines in production, readable key=value lines in a terminal.

Every module logs through ``structlog.get_logger(__name__)`` with bound context
(``event_id``, ``delivery_id``, ``subscription_id``, ``attempt``). Secrets are never passed
to a logger; :func:`redact` is the last line of defence for keys whose name says "secret".
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import orjson
import structlog

from asyncevents_svc.observability.tracing import add_trace_ids

_SECRET_WORDS = ("token", "secret", "password", "authorization", "api_key", "encryption_key")


@functools.lru_cache(maxsize=4096)
def names_a_secret(key: str) -> bool:
    """Whether a log key's name says it holds a secret (keys are few: the answer is cached,
    as this runs for every key of every line)."""
    lowered = key.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def redact(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Replace the value of any key that names a secret."""
    for key in [k for k in event_dict if isinstance(k, str) and names_a_secret(k)]:
        event_dict[key] = "[redacted]"
    return event_dict


def _json_line(event_dict: Any, **_: Any) -> str:
    """One line of JSON by orjson (a fifth of the standard library's time; ids and times
    as their text), or, for what it cannot encode (an integer past 64 bits), by the standard
    library. A value JSON has no type for is its ``str``."""
    try:
        return orjson.dumps(event_dict, default=str, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(event_dict, default=str)


def configure_logging(level: str = "INFO", fmt: str = "console") -> None:
    """Configure structlog and the standard library once per process."""
    renderer: structlog.typing.Processor
    if fmt == "json":
        renderer = structlog.processors.JSONRenderer(serializer=_json_line)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_ids,
        redact,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    # What no line shows, the standard library need not find (the logging HOWTO's
    # "Optimization"): the calling frame, the thread, the process. A line costs a third less.
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log would repeat ours (api.access), without the request id.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("aiormq").setLevel(logging.WARNING)
    logging.getLogger("aio_pika").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request at INFO, and each console page calls the API in-process.
    logging.getLogger("httpx").setLevel(logging.WARNING)
