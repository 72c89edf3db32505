"""What an installed package carries besides its code: the migrations and the example
catalogue. In a source checkout they live at the top (``migrations/``, ``events.xml``); the
wheel copies them here (``[tool.hatch.build.targets.wheel.force-include]``), so ``serve``
works from any folder after ``pip install``."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parents[2]  # src/asyncevents_svc/bundled → the repository root


def _first(*candidates: Path) -> Path:
    return next((p for p in candidates if p.exists()), candidates[-1])


def migrations() -> Path:
    """The Alembic script folder: the wheel's copy, else the checkout's."""
    return _first(_HERE / "migrations", _CHECKOUT / "migrations")


def example_catalogue() -> Path:
    """The example ``events.xml``: the wheel's copy, else the checkout's."""
    return _first(_HERE / "events.xml", _CHECKOUT / "events.xml")
