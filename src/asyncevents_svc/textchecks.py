"""Input checks shared by request models: text PostgreSQL cannot store is refused up front.

PostgreSQL refuses NUL characters in text and ``\\u0000`` in JSONB; without these checks
such input would reach the database and fail there, instead of being a 422 naming the
field.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def no_control(value: str) -> str:
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters")
    return value


def json_without_nul(value: Any) -> Any:
    """Walk JSON data and refuse NUL in any key or string."""
    if isinstance(value, str):
        no_nul(value)
    elif isinstance(value, dict):
        for key, item in value.items():
            no_nul(key)
            json_without_nul(item)
    elif isinstance(value, list):
        for item in value:
            json_without_nul(item)
    return value


Text = Annotated[str, AfterValidator(no_nul)]
Line = Annotated[str, AfterValidator(no_control)]
