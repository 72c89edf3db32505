"""Pydantic types that request and response models of several domains share.

Low in the layering (beside ``settings``, ``errors`` and ``textchecks``), so that a domain's
schemas never import another domain's schemas just for a field type: the API key routes
and the delivery routes both read moments this way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-01:00 is past the last representable moment
        raise ValueError("is out of range in UTC") from None


#: A moment in a filter; without an offset it is read as UTC (as in the search language).
UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]
