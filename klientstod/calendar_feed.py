"""The coordinator's meetings as an iCalendar feed, for Outlook, Google and the phone.

The feed is read by calendar apps, which have no session: a secret address per user
(``CalendarFeed``) is the credential. It names no person: an event says the case
number, the kind of meeting, the place and the interpreter, never a name or a
personnummer. Its use is in the audit log (who, when), never what it held.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from icalendar import Calendar, Event

from . import audit
from .models import CalendarFeed, Meeting, MeetingStatus, Role, User

#: The meetings the feed holds: this far back and this far ahead of now.
DAYS_BACK = 60
DAYS_AHEAD = 180

FETCHED = "calendar_feed_fetched"
RENEWED = "calendar_feed_renewed"
REVOKED = "calendar_feed_revoked"
EVENTS = {
    FETCHED: gettext_noop("calendar subscription read by a calendar app"),
    RENEWED: gettext_noop("calendar subscription address made or renewed"),
    REVOKED: gettext_noop("calendar subscription turned off"),
}

#: Meetings that still take, or took, the coordinator's time; the rest show as cancelled.
TAKES_TIME = (MeetingStatus.BOOKED, MeetingStatus.HELD, MeetingStatus.NO_SHOW)


def connect() -> None:
    audit.register_events(EVENTS)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The subscription the address's token belongs to, if its user may still have one."""
    if not token:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash(token))
        .first()
    )
    if feed is None or not feed.user.is_active or feed.user.role != Role.COORDINATOR:
        return None
    return feed


def feed_meetings(user: User, now: datetime.datetime | None = None) -> list[Meeting]:
    """The user's own meetings (the cases they coordinate) in the feed's window; one query."""
    now = now or timezone.now()
    return list(
        Meeting.objects.visible_to(user)
        .filter(
            case__coordinator=user,
            starts_at__gte=now - datetime.timedelta(days=DAYS_BACK),
            starts_at__lt=now + datetime.timedelta(days=DAYS_AHEAD),
        )
        .only(
            "pk",
            "case_id",
            "kind",
            "starts_at",
            "duration_minutes",
            "location",
            "interpreter_needed",
            "interpreter_booked",
            "status",
            "updated_at",
        )
        .order_by("starts_at", "pk")
    )


def case_number(case_id: int) -> str:
    """As ``Case.number``, from the id alone."""
    return f"KS-{case_id:05d}"


def interpreter_text(meeting: Meeting) -> str:
    if not meeting.interpreter_needed:
        return _("Interpreter: not needed")
    if meeting.interpreter_booked:
        return _("Interpreter: needed, booked")
    return _("Interpreter: needed, NOT booked")


def meeting_event(
    meeting: Meeting, *, stamp: datetime.datetime, case_url: Callable[[int], str]
) -> Event:
    """One meeting as an event: the case number, kind, place, interpreter; no person."""
    number = case_number(meeting.case_id)
    summary = f"{number} · {meeting.get_kind_display()}"
    if meeting.interpreter_needed:
        summary += " · " + (_("interpreter") if meeting.interpreter_booked else _("interpreter?"))
    cancelled = meeting.status not in TAKES_TIME
    if cancelled:
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@klientstod")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", summary)
    if meeting.location:
        event.add("location", meeting.location)
    event.add(
        "description",
        "\n".join(
            [
                _("Case %(number)s") % {"number": number},
                str(meeting.get_kind_display()),
                interpreter_text(meeting),
                _("Status: %(status)s") % {"status": meeting.get_status_display()},
            ]
        ),
    )
    event.add("url", case_url(meeting.case_id))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("class", "PRIVATE")
    event.add("last-modified", meeting.updated_at)
    # Raised with every change, so that a calendar app takes the newer version.
    event.add("sequence", int(meeting.updated_at.timestamp()) // 60 % 2_000_000_000)
    return event


def render_feed(meetings: Iterable[Meeting], *, case_url: Callable[[int], str]) -> bytes:
    """The iCalendar text of the meetings; times in UTC, which every calendar app reads."""
    calendar = Calendar()
    calendar.add("prodid", "-//Klientstöd//Samtal//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Klientstöd: my meetings"))
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, stamp=stamp, case_url=case_url))
    return calendar.to_ical()
