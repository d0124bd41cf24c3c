"""What a delivery tells its caller."""

from __future__ import annotations

import dataclasses


class DeliveryError(Exception):
    """A message was not handed over.

    ``temporary``: worth trying again later (the gateway or the mail server was down,
    busy or slow); otherwise the same message will never go (a refused number, bad
    credentials, no backend configured).
    """

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclasses.dataclass(frozen=True)
class SmsReceipt:
    """The gateway's answer: its id for the message (to match a delivery report) and
    status."""

    provider_id: str
    status: str
