"""Errors in Magento's web API shape: ``{"message": "...%1...", "parameters": [...]}``.

Magento clients render ``message`` after replacing ``%1``, ``%2``... with ``parameters``;
``api/problems.py`` writes that body for every :class:`AppError` on a ``/V1`` or ``/rest/``
path, taking ``magento_message`` and ``magento_parameters`` from the error when present.
``detail`` carries the filled-in text, for logs and for the problem+json fallback.

As in Magento, input errors are 400 (its ``InputException``/``LocalizedException``) and an
unknown subscription is 404 (``NoSuchEntityException``).
"""

from __future__ import annotations

from asyncevents_svc.errors import BadRequest, NotFound


def fill(message: str, parameters: list[str]) -> str:
    """Replace ``%1``..``%n`` the way Magento's ``Phrase`` renderer does."""
    for number in range(len(parameters), 0, -1):  # %10 before %1
        message = message.replace(f"%{number}", parameters[number - 1])
    return message


class MagentoBadRequest(BadRequest):
    """400 with a Magento message; ``parameters`` name the offending field or value."""

    def __init__(self, message: str, parameters: list[str]) -> None:
        super().__init__(fill(message, parameters))
        self.magento_message = message
        self.magento_parameters = parameters


class MagentoNotFound(NotFound):
    """404 for a subscription id that does not exist, worded as the module words it."""

    def __init__(self, subscription_id: str) -> None:
        message = "Async event with subscription ID %1 does not exist"
        super().__init__(fill(message, [subscription_id]))
        self.magento_message = message
        self.magento_parameters = [subscription_id]


def required(name: str) -> MagentoBadRequest:
    """Magento's wording for a missing input."""
    return MagentoBadRequest('"%1" is required. Enter and try again.', [name])


def invalid(name: str, problem: str) -> MagentoBadRequest:
    """A value that is present but unacceptable; ``problem`` never echoes the value."""
    return MagentoBadRequest('Invalid value of "%1": %2', [name, problem])
