"""Calendar arithmetic the workflows share."""

import datetime
import functools

import holidays
from django.utils import timezone

#: The days off of the Swedish calendar besides weekends: public holidays, and the eves of
#: Midsummer, Christmas and New Year that workplaces keep as holidays.
HOLIDAY_CATEGORIES = (holidays.PUBLIC, holidays.DE_FACTO)


def days_off(years: range) -> holidays.HolidayBase:
    return holidays.country_holidays("SE", years=years, categories=HOLIDAY_CATEGORIES)


@functools.lru_cache(maxsize=8)
def _days_off_in(year: int) -> frozenset[datetime.date]:
    return frozenset(days_off(range(year, year + 1)))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _days_off_in(day.year)


def working_day_before(day: datetime.date) -> datetime.date:
    """The last working day before ``day``: the Friday before a Monday, the Thursday
    before Easter Monday, the day before a holiday's eve."""
    candidate = day - datetime.timedelta(days=1)
    while not is_working_day(candidate):
        candidate -= datetime.timedelta(days=1)
    return candidate


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def local_time(day: datetime.date, at: datetime.time = datetime.time.min) -> datetime.datetime:
    """``day`` at ``at`` in the current time zone: the local midnight unless told."""
    return datetime.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())
