from enum import StrEnum


class SubscriptionUpdatePayloadFormatType0(StrEnum):
    CLOUDEVENTS = "cloudevents"
    DATA = "data"

    def __str__(self) -> str:
        return str(self.value)
