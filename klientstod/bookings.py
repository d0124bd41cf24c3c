"""What other apps do when a coordinator's meeting is booked, and what they show in the calendar.

The core books meetings (``services.meeting_book``) and draws the coordinator's
calendar; another app that keeps times of its own (the bookable times referrers pick,
in ``referrals``) registers here from its ``AppConfig.ready()``, so the core names no
other app:

- ``@bookings.on_booked`` on a function ``(meeting, coordinator) -> None``, called in
  the booking's transaction (a time the booking fills is taken there, or not at all);
- ``@bookings.calendar_entries`` on a function ``(user, start, end) -> list[CalendarEntry]``
  for what else the calendar shows between two moments, in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Meeting, User


@dataclass(frozen=True)
class CalendarEntry:
    """A time in the coordinator's calendar that is not a meeting (a bookable free time)."""

    starts_at: datetime.datetime
    ends_at: datetime.datetime
    label: str
    detail: str = ""


BookedHook = Callable[["Meeting", "User"], None]
EntrySource = Callable[["User", datetime.datetime, datetime.datetime], list[CalendarEntry]]
_booked: list[BookedHook] = []
_sources: list[EntrySource] = []


def on_booked(hook: BookedHook) -> BookedHook:
    if hook not in _booked:
        _booked.append(hook)
    return hook


def calendar_entries(source: EntrySource) -> EntrySource:
    if source not in _sources:
        _sources.append(source)
    return source


def booked(meeting: Meeting, coordinator: User) -> None:
    """Tell the apps that ``meeting`` was booked in ``coordinator``'s calendar."""
    for hook in _booked:
        hook(meeting, coordinator)


def entries(user: User, start: datetime.datetime, end: datetime.datetime) -> list[CalendarEntry]:
    found = [entry for source in _sources for entry in source(user, start, end)]
    return sorted(found, key=lambda entry: entry.starts_at)
