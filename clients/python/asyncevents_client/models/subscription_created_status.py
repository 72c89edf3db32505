from enum import StrEnum


class SubscriptionCreatedStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    UNVERIFIED = "unverified"

    def __str__(self) -> str:
        return str(self.value)
