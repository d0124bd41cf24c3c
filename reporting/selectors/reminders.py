"""Section 4 of the report, continued: do reminders help? Meetings with and without one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from klientstod.models import Meeting, MeetingStatus
from reminders.choices import SENT_STATUSES
from reminders.models import Reminder

REMINDERS_DEFINITION = _(
    "Meetings whose time fell in the period and whose outcome is recorded, but not those the "
    "process cancelled itself, split by whether a reminder of the meeting's time was sent to "
    "the client (by SMS or e-mail, the working day before). No-shows: the client did not come; "
    "cancelled by the client: the client cancelled. A meeting moved after its reminder went "
    "counts as with a reminder only if the new time was reminded of too."
)

#: The outcomes compared: what came of the meeting on the client's side, or that it was held.
COUNTED = [status for status in MeetingStatus if status not in ("booked", "cancelled_by_us")]


@dataclass
class ReminderFigures:
    with_reminder: int = 0
    with_reminder_no_show: int = 0
    with_reminder_cancelled: int = 0
    without_reminder: int = 0
    without_reminder_no_show: int = 0
    without_reminder_cancelled: int = 0


def reminder_figures(meetings: QuerySet[Meeting]) -> ReminderFigures:
    """One query: the meetings of the period with and without a reminder, and their
    no-shows and the client's cancellations."""
    reminded = Reminder.objects.filter(
        meeting=OuterRef("pk"), starts_at=OuterRef("starts_at"), status__in=SENT_STATUSES
    )
    no_show = Q(status=MeetingStatus.NO_SHOW)
    cancelled = Q(status=MeetingStatus.CANCELLED_BY_CLIENT)
    counts = (
        meetings.filter(status__in=COUNTED)
        .annotate(reminded=Exists(reminded))
        .aggregate(
            with_reminder=Count("pk", filter=Q(reminded=True)),
            with_reminder_no_show=Count("pk", filter=Q(reminded=True) & no_show),
            with_reminder_cancelled=Count("pk", filter=Q(reminded=True) & cancelled),
            without_reminder=Count("pk", filter=Q(reminded=False)),
            without_reminder_no_show=Count("pk", filter=Q(reminded=False) & no_show),
            without_reminder_cancelled=Count("pk", filter=Q(reminded=False) & cancelled),
        )
    )
    return ReminderFigures(**counts)
