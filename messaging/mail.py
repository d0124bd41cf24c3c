"""E-mail to clients through Django's configured e-mail backend (SMTP in production)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email

from .errors import DeliveryError

#: SMTP replies that say the message will never be taken (a refused recipient or
#: sender, bad credentials); other failures (4xx replies, a dropped or refused
#: connection, a timeout) are worth trying again.
_PERMANENT = (
    smtplib.SMTPSenderRefused,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
)


def send_email(to: str, subject: str, text: str) -> None:
    """Send a plain-text e-mail to one address; ``DeliveryError`` when it did not go."""
    try:
        validate_email(to)
    except ValidationError:
        raise DeliveryError("Not an e-mail address.", temporary=False) from None
    message = EmailMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
    )
    try:
        sent = message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        # 4xx (mailbox busy, greylisting) passes; 5xx (no such user) never will.
        codes = [code for code, _reply in error.recipients.values()]
        raise DeliveryError(
            f"Mail server refused the recipient: {codes}",
            temporary=all(400 <= code < 500 for code in codes),
        ) from error
    except _PERMANENT as error:
        raise DeliveryError(
            f"Mail server refused: {type(error).__name__}", temporary=False
        ) from error
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            f"Mail server answered {error.smtp_code}", temporary=error.smtp_code < 500
        ) from error
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        raise DeliveryError(
            f"Mail server unreachable: {type(error).__name__}", temporary=True
        ) from error
    if not sent:
        raise DeliveryError("The mail backend sent nothing.", temporary=True)
