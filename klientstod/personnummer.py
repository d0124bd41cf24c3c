"""Swedish personal identity numbers (personnummer and samordningsnummer).

python-stdnum does the checksum and format work. It does not know the
samordningsnummer (the day of birth plus 60), so the birth date is read here
with that rule before stdnum validates the rest. Every number is stored in one
normal form: twelve digits with a hyphen, ``YYYYMMDD-NNNN``.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.se import personnummer as stdnum_pnr

COORDINATION_DAY_OFFSET = 60

MESSAGES = {
    "format": _(
        "Enter the personnummer as 10 or 12 digits, for example 19850312-1231 or 850312-1231."
    ),
    "date": _("The personnummer does not start with a valid date of birth."),
    "checksum": _("The personnummer's check digit is wrong. Check the last four digits."),
}


def _birth_day(day: int) -> int:
    return day - COORDINATION_DAY_OFFSET if day > COORDINATION_DAY_OFFSET else day


def normalise(value: str, *, today: datetime.date | None = None) -> str:
    """Return ``YYYYMMDD-NNNN`` for a valid number, or raise ValidationError."""
    compact = stdnum_pnr.compact(value or "")
    if not re.fullmatch(r"(\d{6}|\d{8})[-+]\d{4}", compact):
        raise ValidationError(MESSAGES["format"], code="format")
    date_part, serial = compact[:-5], compact[-4:]
    separator = compact[-5]
    day = int(date_part[-2:])
    # stdnum reads the birth date (and the century of a ten-digit number, with
    # its '+' for people over 100); give it the real day of a samordningsnummer.
    as_birth = f"{date_part[:-2]}{_birth_day(day):02d}{separator}{serial}"
    try:
        birth = stdnum_pnr.get_birth_date(as_birth)
    except (StdnumError, ValueError):
        raise ValidationError(MESSAGES["date"], code="date") from None
    if birth > (today or timezone.localdate()):
        raise ValidationError(MESSAGES["date"], code="date")
    try:
        luhn.validate(date_part[-6:] + serial)
    except StdnumError:
        raise ValidationError(MESSAGES["checksum"], code="checksum") from None
    return f"{birth.year:04d}{date_part[-4:]}-{serial}"


def is_valid(value: str) -> bool:
    try:
        normalise(value)
    except ValidationError:
        return False
    return True


def birth_date(normal: str) -> datetime.date:
    """The date of birth of a number already in normal form."""
    year, month, day = int(normal[:4]), int(normal[4:6]), int(normal[6:8])
    return datetime.date(year, month, _birth_day(day))


def is_coordination_number(normal: str) -> bool:
    return int(normal[6:8]) > COORDINATION_DAY_OFFSET


def legal_gender(normal: str) -> str:
    """'F' or 'M' from the second-last digit, as the Tax Agency assigns it."""
    return stdnum_pnr.get_gender(normal[2:])
