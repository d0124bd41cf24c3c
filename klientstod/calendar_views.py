"""The coordinator's calendar: a week or a day of their meetings and free bookable times,
and booking a meeting at a time chosen there."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from . import bookings
from .access import AuthenticatedRequest, role_required
from .calendar_forms import BookingCaseForm
from .dates import local_time
from .models import Case, Meeting, MeetingStatus, User
from .roles import COORDINATOR

#: The working hours the day view offers to book in, and the hour a day's booking starts.
FIRST_HOUR, LAST_HOUR = 8, 17
#: How far from today the calendar goes, either way.
HORIZON = datetime.timedelta(days=730)


@dataclass
class CalendarDay:
    """One day of the calendar: its meetings, free bookable times and free whole hours."""

    date: datetime.date
    is_today: bool
    meetings: list[Meeting] = field(default_factory=list)
    free_times: list[bookings.CalendarEntry] = field(default_factory=list)
    free_hours: list[datetime.datetime] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.meetings and not self.free_times


def _free_hours(day: datetime.date, meetings: list[Meeting]) -> list[datetime.datetime]:
    """The whole working hours of ``day`` that no meeting of the day touches."""
    taken = [m for m in meetings if m.status in (MeetingStatus.BOOKED, MeetingStatus.HELD)]
    hours = []
    for hour in range(FIRST_HOUR, LAST_HOUR):
        start = local_time(day, datetime.time(hour))
        end = start + datetime.timedelta(hours=1)
        if not any(m.starts_at < end and m.ends_at > start for m in taken):
            hours.append(start)
    return hours


def calendar_days(user: User, first: datetime.date, count: int) -> list[CalendarDay]:
    """``count`` days of ``user``'s calendar from ``first``, in a fixed number of queries."""
    today = timezone.localdate()
    last = first + datetime.timedelta(days=count)
    days = {
        first + datetime.timedelta(days=i): CalendarDay(
            first + datetime.timedelta(days=i), first + datetime.timedelta(days=i) == today
        )
        for i in range(count)
    }
    meetings = (
        Meeting.objects.visible_to(user)
        .of_coordinator(user)
        .between(first, last)
        .exclude(status=MeetingStatus.REBOOKED)
        .select_related("case__client")
        .order_by("starts_at")
    )
    for meeting in meetings:
        days[timezone.localtime(meeting.starts_at).date()].meetings.append(meeting)
    for entry in bookings.entries(user, local_time(first), local_time(last)):
        days[timezone.localtime(entry.starts_at).date()].free_times.append(entry)
    for day in days.values():
        day.free_hours = _free_hours(day.date, day.meetings)
    return list(days.values())


def _day_asked(text: str, today: datetime.date) -> datetime.date:
    try:
        day = parse_date(text)
    except ValueError:
        day = None
    if day is None or abs(day - today) > HORIZON:
        return today
    return day


@role_required(*COORDINATOR)
def calendar(request: AuthenticatedRequest) -> HttpResponse:
    """A week (Monday to Sunday) or a day of the coordinator's calendar."""
    today = timezone.localdate()
    day = _day_asked(request.GET.get("day", ""), today)
    view = "day" if request.GET.get("view") == "day" else "week"
    if view == "day":
        first, count = day, 1
    else:
        first, count = day - datetime.timedelta(days=day.weekday()), 7
    step = datetime.timedelta(days=count)
    days = calendar_days(request.user, first, count)
    return render(
        request,
        "klientstod/calendar.html",
        {
            "view": view,
            "days": days,
            "first": first,
            "last": first + step - datetime.timedelta(days=1),
            "week_number": first.isocalendar().week,
            "previous": first - step,
            "next": first + step,
            "today": today,
            "shows_today": first <= today < first + step,
            "here": f"{reverse('klientstod:calendar')}?{urlencode({'view': view, 'day': first})}",
        },
    )


@role_required(*COORDINATOR)
def calendar_book(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the case of a meeting booked at a time picked in the calendar (``?at=``);
    the booking form follows, with the time filled in."""
    at = local_datetime(request.GET.get("at", ""))
    if at is None:
        messages.error(request, _("Choose a time in the calendar first."))
        return redirect("klientstod:calendar")
    user = request.user
    cases = (
        Case.objects.visible_to(user)
        .active()
        .filter(Q(coordinator=user) | Q(coordinator__isnull=True))
        .select_related("client", "process")
        .order_by("client__last_name", "client__first_name", "pk")
    )
    form = BookingCaseForm(request.GET if "case" in request.GET else None, cases=cases)
    back = (
        f"{reverse('klientstod:calendar')}?"
        f"{urlencode({'view': 'day', 'day': timezone.localtime(at).date()})}"
    )
    if form.is_bound and form.is_valid():
        case = form.cleaned_data["case"]
        query = urlencode({"starts_at": f"{timezone.localtime(at):%Y-%m-%dT%H:%M}", "next": back})
        return redirect(f"{reverse('klientstod:meeting-create', args=[case.pk])}?{query}")
    return render(
        request,
        "klientstod/calendar_book.html",
        {
            "form": form,
            "at": at,
            "at_value": f"{timezone.localtime(at):%Y-%m-%dT%H:%M}",
            "back": back,
        },
    )


def local_datetime(text: str) -> datetime.datetime | None:
    """A time given in the address (``2026-03-14T10:00``, local), or None if it is none."""
    try:
        value = parse_datetime(text)
    except ValueError:
        return None
    if value is None:
        return None
    aware = value if timezone.is_aware(value) else timezone.make_aware(value)
    if abs(aware - timezone.now()) > HORIZON:
        return None
    return aware
