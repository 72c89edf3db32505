from enum import StrEnum


class SubscriptionUpdateOrderingType0(StrEnum):
    FIFO = "fifo"
    NONE = "none"

    def __str__(self) -> str:
        return str(self.value)
