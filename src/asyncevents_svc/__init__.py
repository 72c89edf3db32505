"""asyncevents-svc: reliable, signed notifications for events published by other services."""

from __future__ import annotations

from functools import cache


@cache
def _installed_version() -> str:
    # importlib.metadata costs ~40 ms to import: read only when asked, so that the package
    # import (and with it `asyncevents-svc --help`) does not pay for it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("asyncevents-svc")
    except PackageNotFoundError:  # a source tree on sys.path without being installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    """``__version__``, the installed package's version, computed on first use."""
    if name == "__version__":
        return _installed_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
