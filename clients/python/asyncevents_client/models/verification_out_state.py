from enum import StrEnum


class VerificationOutState(StrEnum):
    EXPIRED = "expired"
    PENDING = "pending"
    STOPPED = "stopped"
    VERIFIED = "verified"

    def __str__(self) -> str:
        return str(self.value)
