"""Report periods: the tertials, the calendar year, or any dates in between."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

TERTIALS = {1: ((1, 1), (4, 30)), 2: ((5, 1), (8, 31)), 3: ((9, 1), (12, 31))}


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: datetime.date
    end: datetime.date
    label: str = ""

    def __str__(self) -> str:
        span = f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"
        return f"{self.label} ({span})" if self.label else span

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def point_in_time(self, today: datetime.date | None = None) -> datetime.date:
        """The day a state is counted on: the last day, or today while the period runs."""
        return min(self.end, today or timezone.localdate())


def tertial(year: int, number: int) -> Period:
    (sm, sd), (em, ed) = TERTIALS[number]
    return Period(
        datetime.date(year, sm, sd),
        datetime.date(year, em, ed),
        _("Tertial %(number)d %(year)d") % {"number": number, "year": year},
    )


def calendar_year(year: int) -> Period:
    return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))


def tertials_of(year: int) -> list[Period]:
    return [tertial(year, number) for number in TERTIALS]


def current_tertial(today: datetime.date) -> Period:
    for number, ((sm, _sd), (em, _ed)) in TERTIALS.items():
        if sm <= today.month <= em:
            return tertial(today.year, number)
    raise AssertionError(today)  # every month belongs to a tertial


def last_completed_tertial(today: datetime.date) -> Period:
    """The latest tertial that has ended by ``today``: the one an evaluator reads."""
    current = current_tertial(today)
    return current_tertial(current.start - datetime.timedelta(days=1))


def is_report_period(period: Period) -> bool:
    """True for a tertial or a calendar year: the periods a report (and its comments) has."""
    year = period.start.year
    return period == calendar_year(year) or any(period == t for t in tertials_of(year))
