"""Durations as people write them (``5s``, ``5m``, ``2h``, ``30d``): the settings' retry
schedule and the CLI's ``keys create --expires`` read them the same way."""

from __future__ import annotations

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """``"5s"``, ``"5m"``, ``"2h"``, ``"1d"``, ``"250ms"`` or a bare number of seconds."""
    text = text.strip().lower()
    for unit in ("ms", "s", "m", "h", "d"):
        if text.endswith(unit) and text[: -len(unit)].replace(".", "", 1).isdigit():
            return float(text[: -len(unit)]) * _UNITS[unit]
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration like 5s, 5m, 2h or 1d") from None
