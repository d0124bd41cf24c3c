"""Age bands used by the caseload filter and the reports (SPEC §4).

An age is counted on a given day from the birth date. The bands are the
status report's: 20–29, 30–54, 55–65, and everyone outside them.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgeBand(models.TextChoices):
    AGE_20_29 = "20-29", _("20–29 years")
    AGE_30_54 = "30-54", _("30–54 years")
    AGE_55_65 = "55-65", _("55–65 years")
    OTHER = "other", _("Other ages")


BAND_LIMITS = {
    AgeBand.AGE_20_29: (20, 29),
    AgeBand.AGE_30_54: (30, 54),
    AgeBand.AGE_55_65: (55, 65),
}


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def band_of(age: int) -> AgeBand:
    for band, (low, high) in BAND_LIMITS.items():
        if low <= age <= high:
            return band
    return AgeBand.OTHER


def birth_date_q(band: str, *, on: datetime.date, field: str = "birth_date") -> Q:
    """A filter for people whose age on ``on`` falls in ``band``."""
    inside = Q()
    for known, (low, high) in BAND_LIMITS.items():
        # Aged at least `low`: born on or before the day `low` years back.
        # Aged at most `high`: born after the day `high + 1` years back.
        q = Q(
            **{f"{field}__lte": years_before(on, low), f"{field}__gt": years_before(on, high + 1)}
        )
        if band == known:
            return q
        inside |= q
    return ~inside
