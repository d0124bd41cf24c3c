"""What reminders show on the core's pages: the case page and Min dag."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from klientstod import panels
from klientstod.models import Case, CaseStatus, Meeting, MeetingStatus, User

from . import services
from .models import Reminder


@panels.register("case")
def case_reminders(user: User, case: Case) -> panels.Panel | None:
    """The booked meetings ahead with their reminders, and why none are sent if so."""
    if not case.is_active:
        return None
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(case=case, status=MeetingStatus.BOOKED, starts_at__gte=now).order_by(
            "starts_at"
        )[:10]
    )
    # One query for the reminders of the meetings ahead and the latest of the others.
    reminders = list(
        Reminder.objects.filter(meeting__case=case)
        .select_related("meeting")
        .order_by("-starts_at", "-pk")[:50]
    )
    ahead = {meeting.pk for meeting in meetings}
    current = {
        r.meeting_id: r
        for r in reversed(reminders)
        if r.meeting_id in ahead and r.starts_at == r.meeting.starts_at
    }
    recent = [r for r in reminders if r.meeting_id not in ahead][:5]
    why_not = services.why_no_reminders(client=case.client)
    if not meetings and not recent and not why_not:
        return None
    return panels.Panel(
        "reminders/partials/panel_case.html",
        {
            "reminder_rows": [(meeting, current.get(meeting.pk)) for meeting in meetings],
            "recent_reminders": recent,
            "why_no_reminders": why_not,
            "reminder_due": {m.pk: services.due_at(m.starts_at) for m in meetings},
        },
        order=20,
    )


@panels.register("my_day")
def reminders_not_reached(user: User, obj: Any = None) -> panels.Panel | None:
    """Meetings ahead whose client the reminder did not reach: call them instead."""
    reminders = list(
        Reminder.objects.visible_to(user)
        .not_reached()
        .filter(
            Q(meeting__case__coordinator=user) | Q(meeting__case__coordinator__isnull=True),
            meeting__status=MeetingStatus.BOOKED,
            meeting__case__status=CaseStatus.ACTIVE,
            meeting__starts_at__gte=timezone.now(),
        )
        .select_related("meeting__case__client")
        .order_by("meeting__starts_at")[:20]
    )
    if not reminders:
        return None
    return panels.Panel(
        "reminders/partials/panel_not_reached.html", {"not_reached": reminders}, order=25
    )
