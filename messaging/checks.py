"""System checks for the delivery of messages to clients."""

import re
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

SMS_BACKENDS = ("", "http", "console", "file")


@register()
def check_sms_backend(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    backend = settings.KLIENTSTOD_SMS_BACKEND
    if backend not in SMS_BACKENDS:
        return [
            Error(
                f"KLIENTSTOD_SMS_BACKEND must be one of http, console, file or empty, "
                f"not {backend!r}.",
                id="messaging.E001",
            )
        ]
    messages: list[CheckMessage] = []
    if backend == "http":
        if not settings.KLIENTSTOD_SMS_URL.startswith("https://") and not settings.DEBUG:
            messages.append(
                Error("KLIENTSTOD_SMS_URL must be an https:// address.", id="messaging.E002")
            )
        if not (settings.KLIENTSTOD_SMS_USERNAME or settings.KLIENTSTOD_SMS_TOKEN):
            messages.append(
                Error(
                    "The SMS gateway needs KLIENTSTOD_SMS_USERNAME and _PASSWORD, or _TOKEN.",
                    id="messaging.E003",
                )
            )
        sender = settings.KLIENTSTOD_SMS_SENDER
        # A name of 3 to 11 letters and digits (no å, ä, ö), or a phone number in E.164.
        if not (
            re.fullmatch(r"[A-Za-z][A-Za-z0-9]{2,10}", sender)
            or re.fullmatch(r"\+\d{8,15}", sender)
        ):
            messages.append(
                Error(
                    "KLIENTSTOD_SMS_SENDER must be 3 to 11 letters (a-z) and digits, starting "
                    "with a letter, or a phone number as +46…",
                    id="messaging.E004",
                )
            )
    if backend in ("console", "file") and not settings.DEBUG:
        messages.append(
            Warning(
                f"KLIENTSTOD_SMS_BACKEND={backend}: no SMS reaches a client.",
                id="messaging.W001",
            )
        )
    return messages
