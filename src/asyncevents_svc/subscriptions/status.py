"""A subscription's status, defined once (stored as the plain string, which a ``StrEnum``
member equals)."""

from __future__ import annotations

from enum import StrEnum


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # by hand, or by endpoint health (``disabled_reason`` says which)
    # Waiting for its endpoint to echo a challenge (security.verify_endpoints): no deliveries.
    UNVERIFIED = "unverified"
