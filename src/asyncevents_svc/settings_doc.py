"""Render every setting as a Markdown table row: the table of docs/configuration.md (``make docs``
writes it there, and a test checks it is current)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from asyncevents_svc.settings import Settings

#: The page that holds the table, from the repository's root.
PAGE = "docs/configuration.md"


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value: Any = field.default_factory()  # type: ignore[call-arg]
    else:
        value = field.default
    if isinstance(value, BaseModel):
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if value is None:
        return "(unset)"
    return str(getattr(value, "get_secret_value", lambda: value)())


def rows(model: type[BaseModel] = Settings, prefix: str = "ASYNCEVENTS_") -> Iterator[tuple[str, str, str]]:
    """``(variable, default, description)`` for every leaf setting."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            yield from rows(annotation, f"{prefix}{name.upper()}__")
            continue
        yield f"{prefix}{name.upper()}", _default(field), field.description or ""


def markdown() -> str:
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{var}` | `{default}` | {text} |" for var, default, text in rows()]
    return "\n".join(lines)


def write_into(path: Path) -> None:
    """Replace the table in a Markdown file (from its header row to the next blank line, or
    to the end of the file)."""
    text = path.read_text()
    start = text.index("| variable | default | meaning |")
    end = text.find("\n\n", start)
    if end == -1:
        end = len(text.rstrip("\n"))
    path.write_text(text[:start] + markdown() + text[end:])


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--write":
        write_into(Path(sys.argv[2]))
    else:
        print(markdown())
