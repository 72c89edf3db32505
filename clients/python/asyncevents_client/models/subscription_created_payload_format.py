from enum import StrEnum


class SubscriptionCreatedPayloadFormat(StrEnum):
    CLOUDEVENTS = "cloudevents"
    DATA = "data"

    def __str__(self) -> str:
        return str(self.value)
