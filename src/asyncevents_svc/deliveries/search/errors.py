"""The one error of the search language, and the limits that bound a query's cost."""

from __future__ import annotations

MAX_QUERY_LENGTH = 1000
MAX_DEPTH = 20
MAX_WILDCARDS_PER_VALUE = 4
MAX_WILDCARDS_PER_QUERY = 8
MAX_WILDCARD_VALUE_LENGTH = 64


class SearchError(Exception):
    """A query that cannot be compiled: ``str(error)`` says why, ``position`` says where."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
