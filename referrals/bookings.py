"""The bookable times in the coordinator's calendar (``klientstod.bookings``).

A meeting the coordinator books at one of their free bookable times takes it, so that
referrers no longer see it as free; the calendar shows the times still free.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from klientstod.bookings import CalendarEntry, calendar_entries, on_booked
from klientstod.models import Meeting, User

from .models import ReferralSlot


@on_booked
def take_slot(meeting: Meeting, coordinator: User) -> None:
    """The coordinator's first free time that the meeting overlaps becomes the meeting."""
    if ReferralSlot.objects.filter(meeting=meeting).exists():
        return  # a meeting moved keeps the time it took
    end = meeting.ends_at
    earliest = meeting.starts_at - datetime.timedelta(days=1)
    slots = (
        ReferralSlot.objects.select_for_update()
        .filter(
            created_by=coordinator,
            referral__isnull=True,
            meeting__isnull=True,
            starts_at__lt=end,
            starts_at__gt=earliest,
        )
        .order_by("starts_at")
    )
    for slot in slots:
        if slot.starts_at + datetime.timedelta(minutes=slot.duration_minutes) > meeting.starts_at:
            slot.meeting = meeting
            slot.save(update_fields=["meeting"])
            return


@calendar_entries
def free_slots(user: User, start: datetime.datetime, end: datetime.datetime) -> list[CalendarEntry]:
    """The user's published times that nobody has taken, between ``start`` and ``end``."""
    slots = ReferralSlot.objects.free().filter(
        created_by=user, starts_at__gte=start, starts_at__lt=end
    )
    return [
        CalendarEntry(
            starts_at=slot.starts_at,
            ends_at=slot.starts_at + datetime.timedelta(minutes=slot.duration_minutes),
            label=_("Bookable time, free"),
            detail=slot.location,
        )
        for slot in slots
    ]
