from enum import StrEnum


class ReplayRequestStatusItem(StrEnum):
    CANCELLED = "cancelled"
    DEAD = "dead"
    DELIVERED = "delivered"
    EXPIRED = "expired"

    def __str__(self) -> str:
        return str(self.value)
