from enum import IntEnum


class BatchItemResultStatus(IntEnum):
    VALUE_202 = 202
    VALUE_404 = 404
    VALUE_409 = 409
    VALUE_422 = 422

    def __str__(self) -> str:
        return str(self.value)
