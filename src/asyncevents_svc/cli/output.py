"""How the CLI prints: aligned tables for people, ``--json`` for scripts, progress on stderr.

Everything a script may want goes to stdout (a table, or with ``--json`` one JSON document);
progress and notes go to stderr, so ``asyncevents-svc ... --json | jq`` always parses.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

import orjson


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, list | tuple | frozenset | set):
        return ",".join(cell(v) for v in value)
    return str(value)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """``rows`` as aligned columns under a header; ``columns`` are (key, heading) pairs."""
    lines = [[heading.upper() for _, heading in columns]]
    lines += [[cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    text = [
        "  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    ]
    if not rows:
        text.append("(none)")
    return "\n".join(text)


def emit(data: Any, *, as_json: bool, text: str, out: TextIO = sys.stdout) -> None:
    """Print ``data`` as JSON, or ``text`` for a person."""
    if as_json:
        out.write(orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")
    else:
        out.write(text + "\n")
    out.flush()


class Progress:
    """A one-line progress bar on stderr (``done/total``), or a running count when the total
    is unknown; plain lines when stderr is not a terminal."""

    def __init__(self, label: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.label = label
        self.stream = stream
        self.width = width

    def __call__(self, done: int, total: int | None = None) -> None:
        if total is None:
            line = f"{self.label}: {done}"
        else:
            total = max(total, done, 1)
            filled = int(self.width * done / total)
            line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        self.stream.write(("\r" + line) if self.stream.isatty() else (line + "\n"))
        self.stream.flush()

    def close(self) -> None:
        if self.stream.isatty():
            self.stream.write("\n")
            self.stream.flush()
