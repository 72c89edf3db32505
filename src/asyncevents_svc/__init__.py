"""asyncevents-svc: reliable, signed notifications for events published by other services."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("asyncevents-svc")
except PackageNotFoundError:  # a source tree on sys.path without being installed
    __version__ = "0+unknown"
