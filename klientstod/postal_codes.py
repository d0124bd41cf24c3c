"""Swedish postal codes: five digits, written ``123 45`` on a letter's address block."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MESSAGE = _("Enter the postal code as five digits, for example 123 45.")


def normalise(value: str) -> str:
    """``12345``, ``123 45`` or ``SE-123 45`` as ``123 45``; empty stays empty."""
    text = (value or "").strip()
    if not text:
        return ""
    digits = re.sub(r"^(SE)?-?\s*", "", text, flags=re.IGNORECASE).replace(" ", "")
    if not re.fullmatch(r"\d{5}", digits):
        raise ValidationError(MESSAGE, code="postal_code")
    return f"{digits[:3]} {digits[3:]}"
