from enum import StrEnum


class SubscriptionOutStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    UNVERIFIED = "unverified"

    def __str__(self) -> str:
        return str(self.value)
