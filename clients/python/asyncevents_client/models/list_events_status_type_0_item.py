from enum import StrEnum


class ListEventsStatusType0Item(StrEnum):
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
