"""Pydantic types that request and response models of several domains share.

Low in the layering (beside ``settings``, ``errors`` and ``textchecks``), so that a domain's
schemas never import another domain's schemas just for a field type: the API key routes
and the delivery routes both read moments this way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-01:00 is past the last representable moment
        raise ValueError("is out of range in UTC") from None


#: A moment in a filter; without an offset it is read as UTC (as in the search language).
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


class PageCount(BaseModel):
    """How many rows a listing's filters match, counted up to a cap (``count=true``)."""

    value: int = Field(description="The rows that match, at most 1,000.")
    more: bool = Field(description="True when more than `value` match: counting stops at 1,000.")


COUNT_DESCRIPTION = (
    "Also count the rows the filters match (`count` in the answer), up to 1,000: a count costs "
    "what about ten pages cost, however large the table."
)
