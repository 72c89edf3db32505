from enum import StrEnum


class SubscriptionCreatePayloadFormat(StrEnum):
    CLOUDEVENTS = "cloudevents"
    DATA = "data"

    def __str__(self) -> str:
        return str(self.value)
