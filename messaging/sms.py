"""SMS to clients, through the backend the environment names.

``KLIENTSTOD_SMS_BACKEND``:

- ``http``: a Swedish SMS provider's HTTP API, modelled on 46elks: a POST of the form
  fields ``from``, ``to`` and ``message`` (and ``whendelivered``, the delivery report's
  callback, when configured) with HTTP basic authentication or a bearer token, answered
  with JSON carrying the message's ``id`` and ``status``;
- ``console``: the message is written to the log (the local demo);
- ``file``: each message is appended to ``KLIENTSTOD_SMS_FILE_PATH`` (a demo that keeps
  what it "sent");
- empty: no SMS is sent; a reminder then goes by e-mail where there is an address.
"""

from __future__ import annotations

import datetime
import json
import logging
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.utils import timezone

from .errors import DeliveryError, SmsReceipt
from .phone import normalise_mobile

logger = logging.getLogger(__name__)

#: The longest message sent: 46elks splits at 160 characters (70 with characters outside
#: GSM 03.38) and joins up to 6 parts.
MAX_LENGTH = 918


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> SmsReceipt: ...


class HttpBackend:
    """A provider's HTTP API (46elks' ``POST /a1/sms``)."""

    def __init__(
        self,
        *,
        url: str,
        sender: str,
        username: str = "",
        password: str = "",
        token: str = "",
        callback_url: str = "",
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self.sender = sender
        self.username = username
        self.password = password
        self.token = token
        self.callback_url = callback_url
        self.timeout = timeout

    def send(self, to: str, text: str) -> SmsReceipt:
        data = {"from": self.sender, "to": to, "message": text}
        if self.callback_url:
            data["whendelivered"] = self.callback_url
        headers = {"Accept": "application/json"}
        auth: tuple[str, str] | None = None
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        elif self.username:
            auth = (self.username, self.password)
        try:
            response = requests.post(
                self.url,
                data=data,
                auth=auth,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise DeliveryError(
                f"SMS gateway timed out: {type(error).__name__}", temporary=True
            ) from error
        except requests.RequestException as error:
            raise DeliveryError(
                f"SMS gateway unreachable: {type(error).__name__}", temporary=True
            ) from error
        return self._receipt(response)

    @staticmethod
    def _receipt(response: requests.Response) -> SmsReceipt:
        # Only the status and the gateway's own words: the request (number, text) is never
        # quoted into an error that may be logged.
        if response.status_code == 429 or response.status_code >= 500:
            raise DeliveryError(f"SMS gateway answered {response.status_code}", temporary=True)
        if response.status_code >= 300:
            raise DeliveryError(
                f"SMS gateway refused the message: {response.status_code} {response.text[:200]!r}",
                temporary=False,
            )
        try:
            body = response.json()
            provider_id = str(body["id"])
            status = str(body.get("status", "created"))
        except (ValueError, KeyError, TypeError) as error:
            # Taken, but without an id: the message may well have gone, and trying again
            # could send it twice.
            raise DeliveryError(
                f"SMS gateway's answer unreadable: {type(error).__name__}", temporary=False
            ) from None
        if status == "failed":
            raise DeliveryError("SMS gateway reports the message failed", temporary=False)
        return SmsReceipt(provider_id=provider_id, status=status)


class ConsoleBackend:
    """Writes the message to the log: the local demo sends nothing."""

    def send(self, to: str, text: str) -> SmsReceipt:
        receipt = SmsReceipt(provider_id=f"console-{timezone.now():%Y%m%d%H%M%S%f}", status="sent")
        logger.info("SMS to %s (%s):\n%s", to, receipt.provider_id, text)
        return receipt


class FileBackend:
    """Appends each message as a JSON line to a file: a demo that shows what went."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)

    def send(self, to: str, text: str) -> SmsReceipt:
        now = datetime.datetime.now(tz=datetime.UTC)
        receipt = SmsReceipt(provider_id=f"file-{now:%Y%m%d%H%M%S%f}", status="sent")
        line = {"id": receipt.provider_id, "at": now.isoformat(), "to": to, "message": text}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(json.dumps(line, ensure_ascii=False) + "\n")
        except OSError as error:
            raise DeliveryError(
                f"SMS file not writable: {error.strerror}", temporary=True
            ) from error
        return receipt


def is_configured() -> bool:
    """Whether SMS can be sent at all (otherwise reminders go by e-mail)."""
    return bool(settings.KLIENTSTOD_SMS_BACKEND)


def get_backend() -> SmsBackend:
    name = settings.KLIENTSTOD_SMS_BACKEND
    if name == "http":
        return HttpBackend(
            url=settings.KLIENTSTOD_SMS_URL,
            sender=settings.KLIENTSTOD_SMS_SENDER,
            username=settings.KLIENTSTOD_SMS_USERNAME,
            password=settings.KLIENTSTOD_SMS_PASSWORD,
            token=settings.KLIENTSTOD_SMS_TOKEN,
            callback_url=settings.KLIENTSTOD_SMS_CALLBACK_URL,
            timeout=settings.KLIENTSTOD_SMS_TIMEOUT_SECONDS,
        )
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend(settings.KLIENTSTOD_SMS_FILE_PATH)
    raise DeliveryError("No SMS backend is configured (KLIENTSTOD_SMS_BACKEND).", temporary=False)


def send_sms(to: str, text: str) -> SmsReceipt:
    """Send ``text`` to the Swedish mobile ``to``; ``DeliveryError`` when it did not go."""
    try:
        number = normalise_mobile(to)
    except Exception:
        raise DeliveryError("Not a Swedish mobile number.", temporary=False) from None
    if not text.strip():
        raise DeliveryError("An empty message is not sent.", temporary=False)
    if len(text) > MAX_LENGTH:
        raise DeliveryError(f"Message longer than {MAX_LENGTH} characters.", temporary=False)
    return get_backend().send(number, text)
