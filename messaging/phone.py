"""Swedish mobile numbers: what a coordinator types, in E.164 for the SMS gateway.

A focused rule rather than a general library: the process sends SMS to Swedish mobiles
only, and a Swedish mobile number is 07X followed by seven digits (the PTS numbering
plan's 070, 072, 073, 076 and 079 series). The number is kept as ``+467XXXXXXXX``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: The mobile series of the Swedish numbering plan (070, 072, 073, 076, 079).
MOBILE_SERIES = ("70", "72", "73", "76", "79")

#: What may separate the digits as people write them: spaces, hyphens, dots, slashes and
#: brackets ("070-123 45 67", "+46 (0)70 123 45 67").
_SEPARATORS = re.compile(r"[\s\-./()\u00a0\u2010-\u2015]")
_E164 = re.compile(r"^\+467[02369]\d{7}$")

INVALID_MESSAGE = _("Enter a Swedish mobile number, for example 070-123 45 67.")


def normalise_mobile(value: str) -> str:
    """The number in E.164 (``+46701234567``), or ``ValidationError`` with a message."""
    raw = _SEPARATORS.sub("", value or "")
    # "+46 (0)70 …": the national trunk zero written after the country code.
    if raw.startswith(("+460", "00460")):
        raw = raw.replace("460", "46", 1)
    if raw.startswith("+46"):
        national = raw[3:]
    elif raw.startswith("0046"):
        national = raw[4:]
    elif raw.startswith("0"):
        national = raw[1:]
    else:
        raise ValidationError(INVALID_MESSAGE, code="invalid_mobile")
    if not (national.isascii() and national.isdigit()) or len(national) != 9:
        raise ValidationError(INVALID_MESSAGE, code="invalid_mobile")
    if national[:2] not in MOBILE_SERIES:
        raise ValidationError(INVALID_MESSAGE, code="invalid_mobile")
    return f"+46{national}"


def format_mobile(e164: str) -> str:
    """The stored number as Swedes write it: ``070-123 45 67``."""
    if not _E164.match(e164 or ""):
        return e164
    national = "0" + e164[3:]
    return f"{national[:3]}-{national[3:6]} {national[6:8]} {national[8:]}"


def validate_e164_mobile(value: str) -> None:
    """The model field's validator: only a normalised number is stored."""
    if value and not _E164.match(value):
        raise ValidationError(INVALID_MESSAGE, code="invalid_mobile")


class MobileNumberField(forms.CharField):
    """A form field that accepts a Swedish mobile number as typed and cleans it to E.164.

    The form shows the stored number as written nationally; what was typed stays in the
    field when it is refused.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("label", _("mobile number"))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "tel")
        self.widget.attrs.setdefault("autocomplete", "off")

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str) and _E164.match(value):
            return format_mobile(value)
        return value

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if text in self.empty_values:
            return ""
        return normalise_mobile(str(text))
