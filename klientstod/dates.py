"""Calendar arithmetic the workflows share."""

import datetime

from django.utils import timezone


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
