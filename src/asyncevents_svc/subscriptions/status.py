"""A subscription's status, defined once (stored as the plain string, which a ``StrEnum``
member equals)."""

from __future__ import annotations

from enum import StrEnum


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # by hand, or by endpoint health (``disabled_reason`` says which)
