from enum import StrEnum


class SubscriptionCreateOrdering(StrEnum):
    FIFO = "fifo"
    NONE = "none"

    def __str__(self) -> str:
        return str(self.value)
