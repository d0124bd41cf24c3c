"""The case timeline: every event of a case, newest first.

Each app contributes its own events through a provider registered here
(``register``), so the core shows what referrals or interventions add without
importing them. A provider makes a fixed number of queries whatever the size
of the case.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from .dates import local_time
from .models import Case, CaseStatus, Meeting, MeetingStatus


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime
    title: str
    kind: str  # a short key the template uses for the icon and colour
    status: str = ""
    status_label: str = ""
    text: str = ""
    details: list[str] = field(default_factory=list)
    meeting: Meeting | None = None
    all_day: bool = False


Provider = Callable[[Case], Iterable[TimelineEvent]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def _day(day: datetime.date, *, end: bool = False) -> datetime.datetime:
    return local_time(day, datetime.time.max if end else datetime.time.min)


def build(case: Case) -> list[TimelineEvent]:
    events = [event for provider in _providers for event in provider(case)]
    return sorted(events, key=lambda event: event.at, reverse=True)


@register
def case_events(case: Case) -> Iterable[TimelineEvent]:
    yield TimelineEvent(
        at=_day(case.start_date),
        title=_("Case opened"),
        kind="case",
        details=[_("Coordinator: %(name)s") % {"name": case.coordinator or "–"}],
        all_day=True,
    )
    if case.closed_on and case.status != CaseStatus.ACTIVE:
        yield TimelineEvent(
            at=_day(case.closed_on, end=True),
            title=_("Case closed"),
            kind="case",
            details=[_("Outcome: %(outcome)s") % {"outcome": case.get_closure_outcome_display()}],
            all_day=True,
        )
    if case.followup_done_on:
        yield TimelineEvent(
            at=_day(case.followup_done_on, end=True),
            title=_("Six-month follow-up done"),
            kind="case",
            text=case.followup_result,
            all_day=True,
        )


@register
def meeting_events(case: Case) -> Iterable[TimelineEvent]:
    meetings = case.meetings.select_related("rebooked_to", "rebooked_from")
    for meeting in meetings:
        details = []
        if meeting.interpreter_needed:
            details.append(
                _("Interpreter booked") if meeting.interpreter_booked else _("Interpreter needed")
            )
        if meeting.location:
            details.append(meeting.location)
        rebooked_to = getattr(meeting, "rebooked_to", None)
        if meeting.status == MeetingStatus.REBOOKED and rebooked_to is not None:
            details.append(
                _("New time: %(time)s")
                % {"time": f"{timezone.localtime(rebooked_to.starts_at):%Y-%m-%d %H:%M}"}
            )
        if meeting.cancel_reason:
            details.append(str(meeting.get_cancel_reason_display()))
        if meeting.rebooked_from_id:
            details.append(_("Rebooked from an earlier time"))
        yield TimelineEvent(
            at=meeting.starts_at,
            title=str(meeting.get_kind_display()),
            kind="meeting",
            status=meeting.status,
            status_label=str(meeting.get_status_display()),
            text=meeting.journal_note,
            details=details,
            meeting=meeting,
        )
